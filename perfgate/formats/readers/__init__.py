"""One module per input format, each exposing ``FORMAT``; perfgate.formats registers them and sniffs a file.

Readers build on the support modules beside the registry (document, build, requests, sketch), not on one another;
k6_names, how k6 metric names become series, is a helper of the k6 readers. Nothing is imported here: the registry
imports a reader only when sniffing reaches it.
"""
