"""Use cases: what the command line and the GitHub Action ask perfgate to do, one module each.

Each takes one request value (a frozen dataclass) and returns one outcome value; everything from outside —
the time, the working directory, the database URL, the environment, standard input — comes in with the
request. ``workspace`` opens the configuration and the database a request names.
"""
