"""Education researchers state about themselves on their homepages: page HTML → degree statements.

Stages: ``html_blocks`` (page → text blocks with the section each sits in) → ``vocabulary`` (degree
words, traps, section names) → ``homepage_extract`` (degree ↔ institution pairing, years, evidence)
→ ``institutions`` (names as written → registry ids and countries through the affiliation resolver).
``cli`` holds ``talent education extract``.
"""
