"""Open Referral HSDS 3.0: validation against the vendored schemas (``schemas``), the
directory written as HSDS (``export``) and read from it (``importer``)."""
