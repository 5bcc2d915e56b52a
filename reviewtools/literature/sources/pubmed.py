"""NCBI E-utilities: esearch, esummary and efetch (abstracts, publication types, MeSH).

PMIDs are fetched with ``efetch`` at most :data:`BATCH` per request. The rate limit
(3 requests/s, 10 with ``NCBI_API_KEY``) is applied by the session, see
:mod:`reviewtools.ratelimit`.
"""

from __future__ import annotations

from collections.abc import Sequence

import requests
from lxml import etree

from reviewtools.errors import NetworkError
from reviewtools.http.session import Reply, fetch, in_batches, resolve
from reviewtools.literature.identifiers import Identifier
from reviewtools.literature.works import (
    Notice,
    Work,
    author_name,
    clean_text,
    doi_in_text,
    initials_name,
    to_year,
    utc_now,
)
from reviewtools.settings import Settings

NAME = "pubmed"
LABEL = "PubMed (NCBI E-utilities)"
#: PMIDs per efetch request. NCBI asks for POST above about 200 IDs; GET keeps answers cacheable.
BATCH = 200
MAX_SEARCH = 10_000  # esearch's retmax ceiling

# CommentsCorrections RefType -> notice kind (https://www.nlm.nih.gov/bsd/licensee/elements_descriptions.html#commentscorrections)
NOTICE_TYPES = {
    "RetractionIn": "retraction", "RetractionOf": "retraction of",
    "ErratumIn": "correction", "ErratumFor": "correction of",
    "ExpressionOfConcernIn": "expression of concern",
    "ExpressionOfConcernFor": "expression of concern for",
    "UpdateIn": "update", "UpdateOf": "update of",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)


def parse_xml(reply: Reply, root_tag: str) -> etree._Element:
    """Parse an E-utilities XML answer safely; anything else is a NetworkError."""
    try:
        root = etree.fromstring(reply.content or reply.text.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise reply.invalid(f"XML that cannot be parsed ({exc})") from None
    if root is None or root.tag != root_tag:
        error = root.findtext(".//ERROR") if root is not None else None
        tag = root.tag if root is not None else "nothing"
        raise reply.invalid(f"an error: {error}" if error else f"<{tag}> instead of <{root_tag}>")
    return root


def _text(el: etree._Element | None) -> str:
    return clean_text("".join(el.itertext()), markup=False) if el is not None else ""


def _authors(article: etree._Element) -> list[str]:
    out = []
    for author in article.findall("AuthorList/Author"):
        collective = _text(author.find("CollectiveName"))
        if collective:
            out.append(collective)
            continue
        given = _text(author.find("ForeName")) or _text(author.find("Initials"))
        name = author_name(_text(author.find("LastName")), given)
        if name:
            out.append(name)
    return out


def _abstract(article: etree._Element) -> str:
    parts = []
    for block in article.findall("Abstract/AbstractText"):
        text = _text(block)
        label = block.get("Label")
        parts.append(f"{label}: {text}" if label and text else text)
    return " ".join(p for p in parts if p)


def _pages(article: etree._Element) -> str:
    pages = _text(article.find("Pagination/MedlinePgn"))
    if not pages:
        start = _text(article.find("Pagination/StartPage"))
        end = _text(article.find("Pagination/EndPage"))
        pages = f"{start}-{end}" if start and end else start
    return pages


def _year(article: etree._Element) -> int | None:
    issue = article.find("Journal/JournalIssue/PubDate")
    if issue is not None:
        year = to_year(issue.findtext("Year")) or to_year(issue.findtext("MedlineDate"))
        if year:
            return year
    return to_year(article.findtext("ArticleDate/Year"))


def _notices(citation: etree._Element) -> list[Notice]:
    out = []
    for item in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        kind = NOTICE_TYPES.get(item.get("RefType", ""))
        if not kind:
            continue
        label = _text(item.find("RefSource"))
        out.append(Notice(kind=kind, pmid=_text(item.find("PMID")), doi=doi_in_text(label),
                          label=label))
    return out


def parse_article(node: etree._Element) -> Work:
    """One ``<PubmedArticle>`` as a :class:`Work` (``source`` ``"pubmed"``)."""
    citation = node.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    if citation is None or article is None:
        raise ValueError("PubmedArticle without MedlineCitation/Article")
    ids = {a.get("IdType"): _text(a) for a in node.findall("PubmedData/ArticleIdList/ArticleId")}
    doi = ids.get("doi") or next((_text(e) for e in article.findall("ELocationID")
                                  if e.get("EIdType") == "doi"), "")
    types = [_text(t) for t in article.findall("PublicationTypeList/PublicationType")]
    notices = _notices(citation)
    title = _text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle"))
    return Work(
        title=title,
        authors=_authors(article),
        journal=_text(article.find("Journal/Title"))
        or _text(article.find("Journal/ISOAbbreviation")),
        year=_year(article),
        volume=_text(article.find("Journal/JournalIssue/Volume")),
        issue=_text(article.find("Journal/JournalIssue/Issue")),
        pages=_pages(article),
        doi=doi.lower(),
        pmid=_text(citation.find("PMID")),
        pmcid=ids.get("pmc", ""),
        abstract=_abstract(article),
        publication_types=[t for t in types if t],
        mesh=[_text(d) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")],
        retracted="Retracted Publication" in types or any(n.kind == "retraction" for n in notices),
        notices=notices,
        source=NAME,
    )


def parse_efetch(reply: Reply) -> list[Work]:
    """All articles of an efetch ``PubmedArticleSet`` answer."""
    root = parse_xml(reply, "PubmedArticleSet")
    works = []
    stamp = utc_now()
    for node in root.findall("PubmedArticle"):
        try:
            work = parse_article(node)
        except ValueError:
            continue  # a malformed record is reported as a missing PMID by the caller
        work.fetched_at, work.cached = stamp, reply.from_cache
        works.append(work)
    return works


def efetch(pmids: Sequence[str], *, settings: Settings | None = None,
           session: requests.Session | None = None) -> list[Work]:
    """Fetch up to :data:`BATCH` PMIDs in one request (raises NetworkError)."""
    settings, session = resolve(settings, session)
    params = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml", "rettype": "abstract"}
    return parse_efetch(fetch(session, f"{settings.pubmed_url}/efetch.fcgi", params, settings))


def esearch(query: str, *, limit: int = 20, settings: Settings | None = None,
            session: requests.Session | None = None) -> list[str]:
    """PMIDs matching a PubMed query, best match first, at most ``limit``."""
    settings, session = resolve(settings, session)
    params = {"db": "pubmed", "term": query, "retmax": max(0, min(limit, MAX_SEARCH)),
              "retmode": "xml", "sort": "relevance"}
    reply = fetch(session, f"{settings.pubmed_url}/esearch.fcgi", params, settings)
    root = parse_xml(reply, "eSearchResult")
    error = root.findtext("ERROR")
    if error:
        raise NetworkError(f"PubMed could not run the search: {error}", url=reply.url)
    return [i.text.strip() for i in root.findall("IdList/Id") if i.text][:limit]


def esummary(pmids: Sequence[str], *, settings: Settings | None = None,
             session: requests.Session | None = None) -> list[Work]:
    """Short records (title, authors, journal, year, DOI) from esummary, without abstracts."""
    if not pmids:
        return []
    settings, session = resolve(settings, session)
    params = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml"}
    return parse_esummary(fetch(session, f"{settings.pubmed_url}/esummary.fcgi", params, settings))


def parse_esummary(reply: Reply) -> list[Work]:
    """Records of an esummary (DocSum v1) answer; an ``<ERROR>`` answer raises NetworkError."""
    root = parse_xml(reply, "eSummaryResult")
    error = root.findtext("ERROR")
    if error:
        raise NetworkError(f"PubMed refused the summary request: {error.strip()}", url=reply.url)
    works = []
    for doc in root.findall("DocSum"):
        items = {i.get("Name"): i for i in doc.iter("Item")}
        ids = {i.get("Name"): _text(i) for i in doc.findall("Item[@Name='ArticleIds']/Item")}
        authors = [initials_name(_text(a))
                   for a in doc.findall("Item[@Name='AuthorList']/Item")]
        works.append(Work(
            title=_text(items.get("Title")), authors=[a for a in authors if a],
            journal=_text(items.get("FullJournalName")) or _text(items.get("Source")),
            year=to_year(_text(items.get("PubDate"))), volume=_text(items.get("Volume")),
            issue=_text(items.get("Issue")), pages=_text(items.get("Pages")),
            doi=(_text(items.get("DOI")) or ids.get("doi", "")).lower(),
            pmid=_text(doc.find("Id")), pmcid=ids.get("pmc", ""),
            publication_types=[_text(t) for t in doc.findall("Item[@Name='PubTypeList']/Item")],
            source=NAME, fetched_at=utc_now(), cached=reply.from_cache))
    return works


def fetch_works(ids: Sequence[Identifier], *, settings: Settings | None = None,
                session: requests.Session | None = None
                ) -> tuple[list[Work], list[tuple[Identifier, str]]]:
    """Full records for PMIDs, one efetch per :data:`BATCH`; failures come back as rows."""
    settings, session = resolve(settings, session)
    works: list[Work] = []
    failures: list[tuple[Identifier, str]] = []
    wanted = [i for i in ids if i.kind == "pmid"]
    failures += [(i, "PubMed looks up PMIDs only") for i in ids if i.kind != "pmid"]
    unique = list(dict.fromkeys(i.value for i in wanted))
    found, errors = in_batches(
        unique, BATCH, lambda batch: efetch(batch, settings=settings, session=session),
        lambda work: work.pmid)
    for ident in wanted:
        if ident.value in found:
            works.append(found[ident.value])
        else:
            failures.append((ident, errors.get(ident.value, "PubMed has no record of this PMID")))
    return works, failures


def search(query: str, *, limit: int = 20, settings: Settings | None = None,
           session: requests.Session | None = None) -> list[Work]:
    """Search PubMed (esearch) and return full records (efetch), in relevance order."""
    settings, session = resolve(settings, session)
    pmids = esearch(query, limit=limit, settings=settings, session=session)
    works: dict[str, Work] = {}
    for start in range(0, len(pmids), BATCH):
        for work in efetch(pmids[start:start + BATCH], settings=settings, session=session):
            works[work.pmid] = work
    return [works[p] for p in pmids if p in works]
