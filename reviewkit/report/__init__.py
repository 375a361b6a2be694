"""Provides the report's rendering core: typed facts, the PRISMA 2020 flow diagram, the methods section.

Pure: nothing here reads the project file. Importing the package is cheap; matplotlib is imported
inside the functions that draw. Entry points: `reviewkit.report.prisma` (`render_prisma`,
`write_prisma`, `prisma_json`) and `reviewkit.report.methods` (`methods_markdown`, `methods_html`,
`write_methods`), both driven by the dataclasses of `reviewkit.report.facts`.
"""

from reviewkit.report.facts import PrismaCounts, ReportFacts

__all__ = ["PrismaCounts", "ReportFacts"]
