"""``reviewtools assess``: dual review of a profile's certainty, blinded.

``open``, ``show``, ``set``, ``submit``, ``reopen`` act on your own assessment (the
reviewer is ``--reviewer`` or ``$REVIEWTOOLS_REVIEWER``); ``show`` hides the other
reviewers' assessments, and a consensus rating someone else made, until you submit yours.
``agreement`` prints the submitted assessments side by side with weighted kappa;
``reconcile`` writes the consensus into the profile's rating. Registered by
:mod:`reviewtools.cli.main` through :func:`register`.
"""

from __future__ import annotations

import argparse
import json

from reviewtools.cli.common import nested_options
from reviewtools.errors import InputError
from reviewtools.settings import Settings

ACTIONS = ("open", "show", "set", "submit", "reopen", "agreement", "reconcile")


def _review(args: argparse.Namespace, settings: Settings):  # noqa: ANN202 - a Review
    from reviewtools.review import open_review
    return open_review(args.review, settings=settings).as_reviewer(settings.reviewer,
                                                                   blind=True)


def _domains(values: list[list[str]] | None, option: str) -> dict[str, tuple[int, str]]:
    out = {}
    for name, levels, reason in values or []:
        try:
            out[name.replace("-", "_")] = (int(levels), reason)
        except ValueError:
            raise InputError(f"{option} {name} {levels!r}: LEVELS is 0, 1 or 2") from None
    return out


def _judgement(args: argparse.Namespace) -> dict[str, object]:
    kw: dict[str, object] = {}
    if args.downgrade:
        kw["downgrades"] = _domains(args.downgrade, "--downgrade")
    if args.upgrade:
        kw["upgrades"] = _domains(args.upgrade, "--upgrade")
    if args.certainty:
        kw["certainty"] = args.certainty
    if args.justification is not None:
        kw["justification"] = args.justification
    return kw


def _show_assessment(a) -> list[str]:  # noqa: ANN001 - an Assessment
    lines = [f"{a.reviewer}: {a.status}{' (AI-assisted)' if a.ai_assisted else ''}, "
             f"certainty {a.certainty} (start {a.start}, domains give {a.proposed}); "
             f"profile revision {a.profile_revision}"]
    for kind in ("downgrades", "upgrades"):
        ratings = getattr(a, kind)
        for name in type(ratings).model_fields:
            r = getattr(ratings, name)
            if r.levels:
                sign = "-" if kind == "downgrades" else "+"
                lines.append(f"  {name} {sign}{r.levels}: {r.reason}")
    if a.override_justification:
        lines.append(f"  certainty set by the reviewer: {a.override_justification}")
    if a.note:
        lines.append(f"  note: {a.note}")
    return lines


def cmd_open(args: argparse.Namespace, settings: Settings) -> int:
    a = _review(args, settings).open_assessment(args.profile, ai_assisted=args.ai_assisted)
    print("\n".join(_show_assessment(a)))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    view = _review(args, settings).blind_view(args.profile)
    print(f"profile {args.profile}, as {view.reviewer} sees it: {view.summary()}")
    print("\n".join(_show_assessment(view.own)) if view.own else
          f"{view.reviewer}: no assessment yet (`reviewtools assess open {args.profile}`)")
    for other in view.others.values():
        print("\n".join(_show_assessment(other)))
    r = view.profile.rating
    if r is not None:
        print(f"rating: {r.certainty} ({view.rating_label})"
              + (f"; reconciles {', '.join(r.reviewers)}: {r.reconciliation or 'agreed'}"
                 if r.reviewers else ""))
    return 0


def cmd_set(args: argparse.Namespace, settings: Settings) -> int:
    kw = _judgement(args)
    if args.note is not None:
        kw["note"] = args.note
    if not kw:
        raise InputError("nothing to set: give --downgrade, --upgrade, --certainty or --note")
    a = _review(args, settings).assess(args.profile, **kw)
    print("\n".join(_show_assessment(a)))
    return 0


def cmd_submit(args: argparse.Namespace, settings: Settings) -> int:
    a = _review(args, settings).submit_assessment(args.profile)
    print(f"submitted {a.reviewer}'s assessment of {a.profile}: {a.certainty}")
    return 0


def cmd_reopen(args: argparse.Namespace, settings: Settings) -> int:
    a = _review(args, settings).reopen_assessment(args.profile, reason=args.reason)
    print(f"re-opened {a.reviewer}'s assessment of {a.profile}")
    return 0


def _kappa(value: object) -> str:
    return "undefined" if value is None else f"{value:.2f}"


def cmd_agreement(args: argparse.Namespace, settings: Settings) -> int:
    from reviewtools.grading.progress import listing
    df = _review(args, settings).agreement()
    pairs = df.attrs["pairs"]
    if args.format == "json":
        print(json.dumps({"rows": df.to_dict(orient="records"), "pairs": pairs}, indent=2,
                         ensure_ascii=False))
        return 0
    shown = [c for c in df.columns if not c.endswith(("_a", "_b")) or c.startswith(
        "certainty") or df[c].any()]
    print(listing(df.to_dict(orient="records"), [*shown[:3], *shown[6:], *shown[3:6]],
                  wide=getattr(args, "wide", False)))
    for p in pairs:
        ra, rb = p["reviewers"]
        pct = p["percent_agreement"]
        print(f"{ra} vs {rb}: weighted kappa on certainty {_kappa(p['kappa_linear'])} "
              f"(linear; quadratic {_kappa(p['kappa_quadratic'])}), n = {p['n']} profiles; "
              f"agreement: certainty {pct['certainty']:g}%, "
              + ", ".join(f"{d} {v:g}%" for d, v in pct.items() if d != "certainty")
              + ("; AI-assisted" if p["ai_assisted"] else ""))
    if not pairs:
        print("no profile has two submitted assessments (that you may see) yet")
    return 0


def cmd_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    profile = _review(args, settings).reconcile(args.profile, note=args.note or "",
                                                **_judgement(args))
    r = profile.rating
    print(f"{profile.id}: {r.certainty}, reconciling {' and '.join(r.reviewers)}"
          + (f": {r.reconciliation}" if r.reconciliation else ""))
    return 0


def _judgement_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--downgrade", nargs=3, action="append", metavar=("DOMAIN", "LEVELS",
                   "REASON"), help="rate a domain down (risk_of_bias, inconsistency, "
                   "indirectness, imprecision, publication_bias) by 0-2 levels; repeatable")
    p.add_argument("--upgrade", nargs=3, action="append", metavar=("DOMAIN", "LEVELS",
                   "REASON"), help="rate up (large_effect, dose_response, "
                   "plausible_confounding; non-randomised evidence only)")
    p.add_argument("--certainty", choices=["high", "moderate", "low", "very low"],
                   help="override the certainty the domains give (needs --justification)")
    p.add_argument("--justification", help="why the certainty differs from the domains")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``assess`` to the ``reviewtools`` sub-commands."""
    p = sub.add_parser("assess", parents=[common], help="dual review of a profile's "
                       "certainty, blinded",
                       description="Rate an evidence profile on your own (--reviewer or "
                       "$REVIEWTOOLS_REVIEWER): open an assessment pre-filled with the "
                       "proposals, set domains, submit. Until you submit, the other "
                       "reviewers' assessments and a consensus rating someone else made "
                       "are hidden. Then compare (agreement, weighted kappa) and reconcile.")
    nested = nested_options(common)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    helps = {"open": "open your assessment (pre-filled with the proposals)",
             "show": "your assessment, and what blinding lets you see of the others",
             "set": "change domains, certainty or note of your open assessment",
             "submit": "submit (freeze) your assessment", "reopen": "re-open it (logged)",
             "agreement": "submitted assessments side by side, with weighted kappa",
             "reconcile": "write the consensus into the profile's rating"}
    handlers = {"open": cmd_open, "show": cmd_show, "set": cmd_set, "submit": cmd_submit,
                "reopen": cmd_reopen, "agreement": cmd_agreement, "reconcile": cmd_reconcile}
    for name in ACTIONS:
        a = actions.add_parser(name, parents=[nested], help=helps[name],
                               description=helps[name].capitalize() + ".")
        a.add_argument("--review", required=True, metavar="SLUG", help="review name")
        if name != "agreement":
            a.add_argument("profile", metavar="PROFILE", help="profile id, e.g. "
                           "pain-vs-sham")
        if name in ("set", "reconcile"):
            _judgement_options(a)
            a.add_argument("--note", help="your note" if name == "set" else
                           "how a disagreement was resolved (required when there was one)")
        if name == "open":
            a.add_argument("--ai-assisted", action="store_true", help="record that the "
                           "judgement is AI-assisted")
        if name == "reopen":
            a.add_argument("--reason", required=True, help="why it is re-opened")
        if name == "agreement":
            a.add_argument("--format", choices=["table", "json"], default="table")
        a.set_defaults(func=handlers[name])
