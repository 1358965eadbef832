"""The dashboard: what a manager reads first, at a glance, on a phone or a desk or on paper.

Headline cards (won this year against the target, the weighted pipeline and
how far it covers what is left of the target, overdue receivables, stalled
deals, open complaints), each with its change since an earlier day read from
git; the funnel as a funnel; the forecast against target per region and rep;
the weighted pipeline at the last twelve month ends on round axis ticks.

Everything is HTML and CSS (the trend's line is the one SVG, with no text in
it), so no text is ever scaled below its CSS size: at 390 px and at 1280 px
the smallest is 12 px. Money is shown in holp.yaml's `display_unit`
(`holp.display`); every value is escaped. `dashboard` gives the HTML of the
body (a ``<section class="dashboard">``); a page carries `CSS` in its styles.
With ``links`` every figure links to the deals behind it (the static site);
without (`holp report --format html`), nothing links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from holp import git, history, snapshot
from holp.display import Display, display
from holp.pipeline import open_weighted
from holp.reports.aging import aging
from holp.reports.charts import esc
from holp.reports.common import ZERO, amount, percent, weighted_open_pipeline
from holp.reports.conversion import conversion
from holp.reports.forecast import Forecast, TargetFigures, forecast
from holp.reports.funnel import StageTotals, funnel
from holp.reports.receivables import receivables
from holp.reports.service import service

if TYPE_CHECKING:
    from holp.cache import Cache
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Snapshot

SINCE_DAYS = 30  # the cards' change is since this many days before the as-of day, unless --since says


class Links(Protocol):
    """Relative URLs of the pages behind the figures (the static site's)."""

    def project(self, project_id: str) -> str: ...

    def customer(self, customer_id: str) -> str: ...

    def rep(self, rep_id: str) -> str: ...

    def list(self, name: str) -> str: ...  # stage-<id>, won-<year>, open, overdue, stalled, complaints, region-<id>,
    # forecast-<kind>-<id> (the deals behind a target's forecast)


@dataclass(frozen=True)
class Figures:
    """The headline figures of the repository on one day."""

    won: Decimal  # won this year up to the day (as `report forecast`'s won_to_date)
    won_count: int
    target: Decimal | None  # the year's target: the regions' targets, else the reps'; None without any
    weighted: Decimal  # the weighted open pipeline
    open_count: int
    overdue: Decimal  # receivables past due (as `report receivables`' overdue payments)
    overdue_count: int
    stalled: int  # open deals untouched for stale_after_days or more (`report stalled`)
    stalled_amount: Decimal
    complaints: int  # open after-sales items of kind complaint (`report service`)
    complaints_overdue: int

    @property
    def attainment(self) -> Decimal | None:
        return percent(self.won, self.target) if self.target else None

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None else max(ZERO, self.target - self.won)

    @property
    def coverage(self) -> Decimal | None:
        """How many times the weighted pipeline covers what is left of the target; None without a gap."""
        gap = self.gap
        return self.weighted / gap if gap else None


def year_target(targets: Sequence[TargetFigures]) -> Decimal | None:
    """The year's target of the whole team: the sum of the regions' targets, else of the reps'."""
    for kind in ("region", "rep"):
        found = [t.target for t in targets if t.kind == kind]
        if found:
            return sum(found, ZERO)
    return None


def figures(snap: Snapshot, hist: History | None, lang: str) -> Figures:
    """The cards' figures, each from the report that has it, so a card and its report always agree."""
    ahead = forecast(snap, lang, hist)
    owed = receivables(snap)
    stale = aging(snap, lang, hist).stalled
    deals = {d.id: d for d in snap.deals}
    complaints = [i for i in service(snap, lang).open_items if i.kind == "complaint"]
    return Figures(
        ahead.won_to_date.amount, ahead.won_to_date.count, year_target(ahead.targets), weighted_open_pipeline(snap),
        funnel(snap, lang).block.open.count, sum((p.outstanding for p in owed.overdue), ZERO), len(owed.overdue),
        len(stale), sum((amount(deals[d.project]) for d in stale if d.project in deals), ZERO), len(complaints),
        sum(1 for i in complaints if i.days_overdue is not None))


def before(root: Path, day: dt.date, cache: Cache, lang: str) -> Figures | None:
    """The figures as the repository stood at the end of ``day`` (its last commit then); None outside git or when
    the history starts later (no change is shown then, rather than every figure as new)."""
    if git.toplevel(root, optional=True) is None or git.rev_parse(root, "HEAD") is None:
        return None
    sha = snapshot.commit_on_or_before(root, day)
    if sha is None:
        return None
    then = snapshot.load(root, sha, as_of=day, cache=cache)
    return figures(then, history.read(root, revisions=[sha], cache=cache), lang)


def series(root: Path, snap: Snapshot, cache: Cache, months: int = 12) -> list[tuple[dt.date, Decimal]]:
    """Weighted open pipeline at the end of each of the last months, read from git; the last point is now."""
    points: list[tuple[dt.date, Decimal]] = []
    first = snap.as_of.replace(day=1)
    for back in range(months, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back + 1, 12)
        day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        sha = snapshot.commit_on_or_before(root, day)
        if sha is not None:
            points.append((day, open_weighted(snap.process, history.summaries_at(root, sha, cache=cache))))
    points.append((snap.as_of, weighted_open_pipeline(snap)))
    return points


def ticks(top: Decimal) -> list[Decimal]:
    """Round axis ticks from 0 to at least ``top`` in steps of 1, 2 or 5 times a power of ten, at most 6 of them:
    0, 500, 1,000, 1,500 — never 16,009,750."""
    if top <= 0:
        return [Decimal(0), Decimal(1)]
    raw = top / 5
    power = Decimal(1).scaleb(raw.adjusted())
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    count = int((top / step).to_integral_value(rounding=ROUND_CEILING))
    return [(step * i).normalize() for i in range(count + 1)]


def tick_text(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def fill(text: str, **values: str) -> str:
    """A label with its {placeholders} filled (a repository's own label may leave any out)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.1'))}%"


def _a(href: str | None, inner: str, cls: str, ident: str | None = None) -> str:
    """``inner`` in a block of class ``cls``: a link to ``href`` when there is one (the site), else a div."""
    attr = f' class="{esc(cls)}"' + (f' id="{esc(ident)}"' if ident else "")
    return f'<a{attr} href="{esc(href)}">{inner}</a>' if href is not None else f"<div{attr}>{inner}</div>"


@dataclass(frozen=True)
class _Card:
    key: str  # the card's id and its list's name
    title: str
    value: str
    detail: str
    alert: str | None  # why it is highlighted (said with a symbol, not colour alone)
    change: Decimal | int | None  # since the earlier day
    shown_change: str  # the change as the card says it: +120.00
    good_up: bool  # whether a rise is good news (won, pipeline) or bad (overdue, stalled, complaints)


def _change(card: _Card, label: Labels, since: dt.date) -> str:
    when = f'<span class="when">{esc(fill(label("dash_since"), day=since.isoformat()))}</span>'
    if card.change is None:
        return ""
    if card.change == 0:
        return f'<div class="change">= {esc(label("dash_no_change"))} · {when}</div>'
    up = card.change > 0
    tone = "good" if up == card.good_up else "bad"
    return f'<div class="change {tone}">{"▲" if up else "▼"} {esc(card.shown_change)} · {when}</div>'


def _signed(value: str, positive: bool) -> str:
    return f"+{value}" if positive else f"−{value.lstrip('-')}"


def cards(now: Figures, then: Figures | None, show: Display, label: Labels, year: int, stale_days: int) -> list[_Card]:
    def money_change(a: Decimal, b: Decimal | None) -> tuple[Decimal | None, str]:
        if b is None:
            return None, ""
        diff = a - b
        return diff, _signed(show.amount(abs(diff)), diff > 0)

    def count_change(a: int, b: int | None) -> tuple[int | None, str]:
        return (None, "") if b is None else (a - b, _signed(str(abs(a - b)), a > b))

    found = []
    if now.target is None:
        detail = label("dash_no_target")
    else:
        detail = fill(label("dash_of_target"), percent=_percent(now.attainment), target=show.with_unit(now.target))
    below = now.target is not None and now.won + now.weighted < now.target
    found.append(_Card(f"won-{year}", label("dash_won"), show.with_unit(now.won), detail,
                       label("dash_below_target") if below else None,
                       *money_change(now.won, then.won if then else None), good_up=True))
    gap = now.gap
    if gap is None:
        detail = fill(label("dash_deals"), n=str(now.open_count))
    elif gap == 0:
        detail = label("dash_target_met")
    else:
        times = "—" if now.coverage is None else f"{now.coverage.quantize(Decimal('0.01'))}×"
        detail = fill(label("dash_coverage"), times=times, gap=show.with_unit(gap))
    found.append(_Card("open", label("dash_pipeline"), show.with_unit(now.weighted), detail, None,
                       *money_change(now.weighted, then.weighted if then else None), good_up=True))
    found.append(_Card("overdue", label("dash_overdue"), show.with_unit(now.overdue),
                       fill(label("dash_payments"), n=str(now.overdue_count)),
                       label("dash_overdue") if now.overdue_count else None,
                       *money_change(now.overdue, then.overdue if then else None), good_up=False))
    found.append(_Card("stalled", label("dash_stalled"), str(now.stalled),
                       fill(label("dash_untouched"), days=str(stale_days), amount=show.with_unit(now.stalled_amount)),
                       label("dash_stalled") if now.stalled else None,
                       *count_change(now.stalled, then.stalled if then else None), good_up=False))
    found.append(_Card("complaints", label("dash_complaints"), str(now.complaints),
                       fill(label("dash_complaints_overdue"), n=str(now.complaints_overdue))
                       if now.complaints_overdue else "",
                       label("dash_complaints") if now.complaints else None,
                       *count_change(now.complaints, then.complaints if then else None), good_up=False))
    return found


def _cards_html(found: list[_Card], label: Labels, since: dt.date, links: Links | None) -> str:
    out = []
    for card in found:
        alert = f'<span class="flag" title="{esc(card.alert)}">⚠</span> ' if card.alert else ""
        detail = esc(card.detail)
        if card.alert and card.key.startswith("won-"):
            detail += f'<br><span class="flag">▼ {esc(card.alert)}</span>'
            alert = ""
        inner = (f'<div class="card-title">{alert}{esc(card.title)}</div><div class="figure">{esc(card.value)}</div>'
                 f'<div class="detail">{detail}</div>{_change(card, label, since)}')
        href = links.list(card.key) if links else None
        out.append(_a(href, inner, f'card{" alert" if card.alert else ""}', f'card-{card.key.split("-")[0]}'))
    return f'<div class="cards">{"".join(out)}</div>'


def funnel_html(stages: Sequence[StageTotals], moved_on: dict[str, Decimal | None], show: Display, label: Labels,
                links: Links | None) -> str:
    """The open stages as a funnel of trapezoids, as wide as their amount, the weighted part darker; the share
    that moved on from one stage to the next between them; the stages with no deal in one line."""
    shown = [s for s in stages if s.totals.count]
    none = len(stages) - len(shown)
    biggest = max([s.totals.amount for s in shown] + [Decimal(1)])

    def width(s: StageTotals) -> float:
        return max(6.0, float(s.totals.amount / biggest * 100))

    rows = []
    for i, s in enumerate(shown):
        top = width(s)  # a row's top edge is as wide as its amount, its bottom edge as the next row's top
        bottom = width(shown[i + 1]) if i + 1 < len(shown) else top * 0.7
        w = max(top, bottom)
        shape = (f"clip-path: polygon({(w - top) / 2 / w * 100:.1f}% 0, {100 - (w - top) / 2 / w * 100:.1f}% 0, "
                 f"{100 - (w - bottom) / 2 / w * 100:.1f}% 100%, {(w - bottom) / 2 / w * 100:.1f}% 100%)")
        share = float(s.totals.weighted / biggest * 100) / w * 100
        figures_ = (f"{s.totals.count} · {show.with_unit(s.totals.amount)} "
                    f"({label('dash_weighted_label')} {show.amount(s.totals.weighted)})")
        inner = (f'<span class="stage-name">{esc(s.label)}</span>'
                 f'<span class="track"><span class="trap" style="width:{w:.1f}%;{shape}">'
                 f'<span class="inner" style="width:{share:.1f}%"></span></span></span>'
                 f'<span class="stage-fig">{esc(figures_)}</span>')
        rows.append(_a(links.list(f"stage-{s.stage}") if links else None, inner, "stage"))
        rate = moved_on.get(s.stage)
        if i + 1 < len(shown) and rate is not None:
            rows.append(f'<div class="conv">↓ {esc(fill(label("dash_moved_on"), percent=_percent(rate)))}</div>')
    if none:
        rows.append(f'<p class="none">{esc(fill(label("dash_stages_none"), n=str(none)))}</p>')
    return f'<div class="funnel">{"".join(rows)}</div>'


def forecast_html(ahead: Forecast, show: Display, label: Labels, links: Links | None) -> str:
    """Per region and rep with a target: won (green) and won + weighted pipeline (light) against the target
    (a line); a forecast below target marked ▼ as well as red."""
    if not ahead.targets:
        return f'<p class="none">{esc(label("dash_no_target"))}</p>'
    biggest = max([max(t.target, t.forecast) for t in ahead.targets] + [Decimal(1)])

    def pos(value: Decimal) -> float:
        return min(100.0, float(value / biggest * 100))

    rows = []
    for n, t in enumerate(ahead.targets):
        if n == 0 or ahead.targets[n - 1].kind != t.kind:
            rows.append(f'<div class="group">{esc(label(t.kind))}</div>')
        below = t.forecast < t.target
        mark = f'<span class="flag">▼ {esc(label("dash_below_target"))}</span>' if below else ""
        numbers = (f"{label('dash_won_label')} {show.amount(t.won)} / {show.with_unit(t.target)} "
                   f"({_percent(percent(t.won, t.target))}) · {label('forecast')} {show.amount(t.forecast)}")
        inner = (f'<span class="who">{esc(t.label)}</span>'
                 f'<span class="track"><span class="fc" style="width:{pos(t.forecast):.1f}%"></span>'
                 f'<span class="wonbar" style="width:{pos(t.won):.1f}%"></span>'
                 f'<span class="tgt" style="left:{pos(t.target):.1f}%"></span></span>'
                 f'<span class="nums">{esc(numbers)} {mark}</span>')
        href = None
        if links is not None:
            href = links.list(f"forecast-{t.kind}-{t.id}")
        rows.append(_a(href, inner, f"target{' below' if below else ''}"))
    legend = (f'<div class="legend"><span class="key wonkey"></span>{esc(label("won_to_date"))} '
              f'<span class="key fckey"></span>{esc(label("forecast"))} '
              f'<span class="key tgtkey"></span>{esc(label("target"))}</div>')
    return f'{legend}<div class="targets">{"".join(rows)}</div>'


def trend_html(points: Sequence[tuple[dt.date, Decimal]], show: Display, label: Labels) -> str:
    """The weighted pipeline at month ends: a line (SVG, no text in it) over HTML axis labels on round ticks."""
    if not points:
        return ""
    values = [v / show.scale for _, v in points]
    axis = ticks(max(values))
    top = axis[-1]
    n = max(1, len(points) - 1)

    def x(i: int) -> float:
        return i * 1000 / n

    def y(v: Decimal) -> float:
        return 1000 - float(v / top * 1000)

    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    grid = "".join(f'<span class="tick" style="bottom:{float(t / top * 100):.1f}%"><span>{esc(tick_text(t))}</span>'
                   f"</span>" for t in axis)
    every = 3 if len(points) > 7 else 1  # a phone shows every other one of these (CSS hides the minor ones)
    months = "".join(f'<span class="month{" minor" if i % (2 * every) else ""}" style="left:{i * 100 / n:.1f}%">'
                     f'{day.strftime("%Y-%m")}</span>'
                     for i, (day, _) in enumerate(points) if i % every == 0 and i < len(points) - 1)
    last_day, last = points[-1]
    dots = "".join(f'<span class="dot" style="left:{i * 100 / n:.1f}%;bottom:{float(v / top * 100):.1f}%" '
                   f'title="{day.isoformat()}: {esc(show.with_unit(points[i][1]))}"></span>'
                   for i, ((day, _), v) in enumerate(zip(points, values, strict=True)))
    return (f'<div class="unit">{esc(fill(label("dash_unit"), unit=show.unit))}</div>'
            f'<div class="trend"><div class="plot">{grid}<svg viewBox="0 0 1000 1000" preserveAspectRatio="none" '
            f'aria-hidden="true"><polyline points="{line}" fill="none" stroke="var(--bar)" stroke-width="2.5" '
            f'vector-effect="non-scaling-stroke"/></svg>{dots}</div><div class="months">{months}'
            f'<span class="month last">{last_day.isoformat()}: {esc(show.amount(last))}</span></div></div>')


def dashboard(root: Path, snap: Snapshot, label: Labels, hist: History | None, cache: Cache, *,
              since: dt.date | None = None, since_commit: str | None = None, links: Links | None = None) -> str:
    """The dashboard's HTML body, a ``<section class="dashboard">`` for a page whose styles include `CSS`.

    Cards change since ``since`` (default: 30 days before the as-of day; at ``since_commit`` when given); the
    trend is read from git (none outside git). With ``links`` every figure links to the deals behind it.
    """
    lang = label.lang
    show = display(snap.process.display_unit, lang, snap.process.currency)
    day = since or snap.as_of - dt.timedelta(days=SINCE_DAYS)
    now = figures(snap, hist, lang)
    if since_commit is not None:
        then: Figures | None = figures(snapshot.load(root, since_commit, as_of=day, cache=cache),
                                       history.read(root, revisions=[since_commit], cache=cache), lang)
    else:
        then = before(root, day, cache, lang)
    in_git = git.toplevel(root, optional=True) is not None and git.rev_parse(root, "HEAD") is not None
    points = series(root, snap, cache) if in_git else []
    ahead = forecast(snap, lang, hist)
    moved_on = {s.stage: s.moved_on_percent for s in conversion(snap, lang, hist).stages} if hist else {}
    found = cards(now, then, show, label, snap.as_of.year, snap.process.stale_after_days)
    parts = [_cards_html(found, label, day, links),
             '<div class="panels">',
             f'<figure class="panel wide"><figcaption>{esc(label("dash_funnel"))}</figcaption>'
             f'{funnel_html(funnel(snap, lang).block.stages, moved_on, show, label, links)}</figure>',
             f'<figure class="panel"><figcaption>{esc(label("dash_forecast"))} {ahead.year}</figcaption>'
             f"{forecast_html(ahead, show, label, links)}</figure>"]
    if points:
        parts.append(f'<figure class="panel"><figcaption>{esc(label("dash_trend"))}</figcaption>'
                     f"{trend_html(points, show, label)}</figure>")
    parts.append("</div>")
    return f'<section class="dashboard">{"".join(parts)}</section>'


CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --bar: #2f80ed; --soft: #cfe0fb; --won: #1e8e4e;
        --bad: #c0392b; --bad-bg: #fdecea; --target: #d35400; --good: #1e8e4e; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; color: var(--ink); background: #fff;
       font: 14px/1.5 -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
             "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
main { max-width: 1200px; margin: 0 auto; }
a { color: inherit; text-decoration: none; }
a:hover .figure, a:hover .stage-name, a:hover .who { text-decoration: underline; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; color: var(--muted); }
.meta { color: var(--muted); margin-bottom: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; margin: 12px 0; }
.card { display: block; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; break-inside: avoid; }
.card.alert { border-color: var(--bad); background: var(--bad-bg); }
.card-title { color: var(--muted); font-size: 14px; }
.figure { font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.3; }
.detail, .change { font-size: 13px; color: var(--muted); }
.when { white-space: nowrap; }
.change.good { color: var(--good); } .change.bad { color: var(--bad); }
.flag { color: var(--bad); font-weight: 600; }
.panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 16px; }
.panel { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 10px; break-inside: avoid;
         min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin-bottom: 10px; }
.funnel .stage { display: grid; grid-template-columns: 7em 1fr; grid-template-areas: "name track" ". fig";
                 column-gap: 10px; align-items: center; }
.stage-name { grid-area: name; font-size: 14px; }
.stage .track { grid-area: track; display: flex; justify-content: center; }
.trap { display: block; height: 30px; background: var(--soft); position: relative; }
.trap .inner { display: block; height: 100%; margin: 0 auto; background: var(--bar); }
.stage-fig { grid-area: fig; font-size: 13px; text-align: center; font-variant-numeric: tabular-nums; }
.conv { text-align: center; font-size: 12px; color: var(--muted); margin: 0 0 2px 7em; }
.none { color: var(--muted); font-size: 13px; font-style: italic; margin: 6px 0 0; }
.legend { font-size: 13px; color: var(--muted); margin-bottom: 6px; }
.key { display: inline-block; width: 12px; height: 12px; vertical-align: -1px; margin: 0 4px 0 10px; }
.wonkey { background: var(--won); } .fckey { background: var(--soft); } .tgtkey { border-left: 3px solid var(--target); }
.target { display: grid; grid-template-columns: 7em 1fr; grid-template-areas: "who track" ". nums";
          column-gap: 10px; align-items: center; margin-bottom: 6px; }
.who { grid-area: who; font-size: 14px; overflow-wrap: anywhere; }
.target .track { grid-area: track; position: relative; height: 22px; background: #f5f7fa; }
.fc, .wonbar { position: absolute; left: 0; top: 0; bottom: 0; }
.fc { background: var(--soft); } .wonbar { background: var(--won); }
.tgt { position: absolute; top: -3px; bottom: -3px; border-left: 3px solid var(--target); }
.nums { grid-area: nums; font-size: 13px; font-variant-numeric: tabular-nums; }
.target.below .nums { color: var(--bad); }
.unit { font-size: 12px; color: var(--muted); }
.trend { padding: 8px 8px 0 64px; }
.plot { position: relative; height: 200px; border-left: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.plot svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.tick { position: absolute; left: 0; right: 0; border-top: 1px dashed var(--line); height: 0; }
.tick span { position: absolute; right: 100%; margin-right: 6px; transform: translateY(-50%); font-size: 12px;
             color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.dot { position: absolute; width: 7px; height: 7px; margin: 0 0 -3.5px -3.5px; border-radius: 50%;
       background: var(--bar); }
.months { position: relative; height: 40px; font-size: 12px; color: var(--muted); }
.month { position: absolute; top: 4px; transform: translateX(-50%); white-space: nowrap; }
.month:first-child { transform: none; }
.month.last { right: 0; top: 20px; transform: none; color: var(--ink); font-weight: 600; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: left; }
th { background: #f5f7fa; font-weight: 600; }
td.num, th.num { text-align: right; }
.note { color: var(--muted); font-style: italic; }
.warning { border-left: 4px solid var(--target); padding: 4px 12px; margin: 8px 0; overflow-wrap: anywhere; }
@media (min-width: 720px) {
  .funnel .stage { grid-template-columns: 9em 1fr 19em; grid-template-areas: "name track fig"; }
  .stage-fig { text-align: left; }
  .conv { margin-left: 9em; margin-right: 19em; }
  .target { grid-template-columns: 9em 1fr; }
}
.group { font-size: 13px; color: var(--muted); border-bottom: 1px solid var(--line); margin: 8px 0 6px; }
@media (max-width: 600px) { body { padding: 8px; font-size: 13px; } th, td { padding: 4px 5px; } .minor { display: none; }
  .figure { font-size: 22px; } .cards { grid-template-columns: 1fr 1fr; gap: 8px; } .card { padding: 8px 10px; } }
@media print { body { padding: 0; font-size: 11px; } h2 { break-after: avoid; } .scroll { overflow: visible; }
  .panel, .card { border-color: #999; } .panels { display: block; } .panel { margin-bottom: 10px; }
  .cards { grid-template-columns: repeat(5, 1fr); } .figure { font-size: 16px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } @page { size: A4; margin: 14mm; } }
"""
