"""Provides the report's rendering core: typed facts, the PRISMA 2020 flow diagram, the methods section.

Pure: nothing here reads the project file. Importing the package is cheap; matplotlib is imported
inside the functions that draw.
"""
