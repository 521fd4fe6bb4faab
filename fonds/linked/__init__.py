"""Linked data and discovery: JSON-LD, RiC-O, sitemap.xml, robots.txt."""
