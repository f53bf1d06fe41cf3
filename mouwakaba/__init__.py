"""Mouwakaba: the information system of migrant reception and accompaniment cells."""
