"""Saved web pages as articles: trafilatura finds the main text and the page's metadata."""

from __future__ import annotations


class PageError(ValueError):
    """The page has no article text to read; the message says why and what to do."""


def page_as_markdown(page: str) -> str:
    """A saved web page as Markdown with front matter: its main text, without menus, ads
    and footers, and its title, author, site, date and address, found by trafilatura."""
    import trafilatura  # only for folders that hold web pages
    from trafilatura.metadata import extract_metadata

    try:
        body = trafilatura.extract(
            page, output_format="markdown", include_formatting=True, include_tables=True
        )
        meta = extract_metadata(page) if body and body.strip() else None
    except Exception as error:  # one odd page must not stop the rest loading
        raise PageError(f"could not be read as a web page ({error}); save it as text") from error
    if not body or not body.strip() or meta is None:
        raise PageError("has no article text (no main text found in the page)")
    fields = {
        "title": meta.title,
        "author": meta.author,
        "outlet": meta.sitename,
        "date": meta.date,
        "url": meta.url,
    }
    declared = {name: value for name, value in fields.items() if value}
    if not declared:
        return str(body)
    import yaml  # with the first web page, not at every start (~10 ms)

    return f"---\n{yaml.safe_dump(declared, allow_unicode=True, sort_keys=False)}---\n{body}"
