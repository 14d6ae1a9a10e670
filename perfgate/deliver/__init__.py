"""Delivery of finished reports: GitHub (comments, checks) and mail. Never decides anything."""
