"""The ``kg`` command line: build, clean, query, export, load, validate, serve, evaluate, analyse.

Each command is a thin shell over a public function of :mod:`kg`; heavy modules
are imported inside the commands so that ``kg --help`` stays instant.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    name="kg",
    help="Turn Chinese news about regional innovation into a knowledge graph you can query, see and analyse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
eval_app = typer.Typer(help="Measure the NER and relation stages on annotated data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

console = Console()
err = Console(stderr=True)

DEFAULT_STORE = os.environ.get("KG_STORE", ".kg/store")
StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="Store directory (env KG_STORE).")]


def _table(title: str, rows: list[tuple], headers: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for h in headers:
        table.add_column(h, overflow="fold")  # wrap long Chinese names instead of cutting them
    for row in rows:
        table.add_row(*(escape(str(c)) for c in row))  # text from articles is data, never rich markup
    return table


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]
GuessedOpt = Annotated[bool, typer.Option("--include-guessed-regions", help="Also use regions guessed from the article's place (region_source article); by default no flow or path rests on a guess.")]


def _print_frame(frame, fmt: str, title: str, index: bool = False) -> None:
    """Print a DataFrame as a rich table, CSV or JSON records (``index``: keep the row labels as a column)."""
    if fmt not in ("table", "csv", "json"):
        err.print(f"[red]error:[/] unknown format {escape(fmt)!r}: use table, csv or json")
        raise typer.Exit(2)
    if index:
        frame = frame.reset_index()
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False) + "\n")
    else:
        rows = [tuple(_cell(c) for c in r) for r in frame.itertuples(index=False)]
        console.print(_table(title, rows, tuple(map(str, frame.columns))))


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.4g}"  # NaN -> empty
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value))
    return "" if value is None else str(value)


@contextmanager
def _reported(*errors: type[Exception]):
    """Turn the given exceptions (default ValueError: bad options, bad query) into a message and exit code 2."""
    try:
        yield
    except errors or (ValueError,) as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def _open_graph(store: Path):
    """The store as a :class:`kg.KnowledgeGraph` (read-only, so a running ``kg serve`` is no obstacle)."""
    import kg

    _require_store(store)
    return kg.open(store, read_only=True)


def _require_store(store: Path) -> None:
    if not (store.exists() and any(store.iterdir())):
        err.print(f"[red]error:[/] no store at {store} — run `kg build PATH --store {store}` first")
        raise typer.Exit(2)


@app.command()
def build(
    paths: Annotated[list[str], typer.Argument(help="Files, directories or globs (.txt, .html, .jsonl).")],
    store: StoreOpt = Path(DEFAULT_STORE),
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes doing the NLP: this one and N-1 workers (0 = one per core; 1 = this process only).")] = 0,
    validate: Annotated[bool, typer.Option(help="Run the SHACL shapes at the end.")] = True,
) -> None:
    """Ingest articles, extract entities and ties, and write them into the store."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from kg.ingest import count_inputs
    from kg.pipeline import build as run_build

    jobs = jobs or os.cpu_count() or 1
    with Progress(
        TextColumn("[bold]building[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err, transient=True,
    ) as progress:
        task = progress.add_task("build", total=count_inputs(paths) or None, rate="")

        def on_article(article, outcome):
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 0
            done = progress.tasks[0].completed
            progress.update(task, rate=f"{done / elapsed:.1f} articles/s" if elapsed else "")

        def on_problem(problem):
            progress.console.print(f"[yellow]skipped[/] {escape(str(problem))}", soft_wrap=True)

        try:
            report = run_build(paths, store, jobs=jobs, validate=validate, on_problem=on_problem, on_article=on_article)
        except OSError as exc:  # the store cannot be opened: read-only directory, locked by `kg serve`, ...
            err.print(f"[red]error:[/] cannot open the store at {escape(str(store))}: {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(1) from None

    summary = _table(
        f"Build of {report.store} in {report.seconds:.1f} s",
        [("articles read", report.read), ("built", report.built), ("unchanged", report.unchanged),
         ("failed", report.failed), ("problems reported", len(report.skipped))],
        ("", "count"),
    )
    console.print(summary)
    if report.skipped:
        console.print(_table("Skipped", [(str(p.path), p.line or "", p.reason) for p in report.skipped], ("file", "line", "reason")))
    if report.entities_by_class:
        console.print(_table("Entities by class (this run)", sorted(report.entities_by_class.items()), ("class", "count")))
    if report.ties_by_relation:
        console.print(_table("Ties by relation (this run)", sorted(report.ties_by_relation.items()), ("relation", "count")))
    if report.validation is not None:
        _print_validation(report.validation)
    if report.store_error:
        err.print(f"[red]error:[/] {escape(report.store_error)} — committed articles are whole; re-run to finish", soft_wrap=True)
        raise typer.Exit(1)
    if not report.accounted:  # a bug, never expected: say it loudly
        err.print("[red]error:[/] article counts do not add up (read != built + unchanged + failed)")
        raise typer.Exit(3)


@app.command()
def clean(file: Annotated[Path, typer.Argument(help="One article file (.txt/.html; first article of a .jsonl).")]) -> None:
    """Print the cleaned, normalised, simplified text of one article (what the NLP stage sees)."""
    from kg.ingest import clean as clean_article
    from kg.ingest import read_inputs

    for item in read_inputs([file]):
        if hasattr(item, "reason"):
            err.print(f"[red]error:[/] {escape(str(item))}", soft_wrap=True)
            raise typer.Exit(2)
        sys.stdout.write(clean_article(item).text + "\n")
        return
    err.print(f"[red]error:[/] {file}: no article found")
    raise typer.Exit(2)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query, or @FILE to read it from a file.")],
    store: StoreOpt = Path(DEFAULT_STORE),
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    endpoint: Annotated[Optional[str], typer.Option(help="Query a remote SPARQL endpoint instead of the store.")] = None,
) -> None:
    """Run a SPARQL query and print the results."""
    from kg.sparql import sparql as run_sparql

    if sparql.startswith("@"):
        sparql = Path(sparql[1:]).read_text(encoding="utf-8")
    if endpoint is None:
        _require_store(store)
    with _reported():
        frame = run_sparql(sparql, store=None if endpoint else store, endpoint=endpoint)
    _print_frame(frame, fmt, f"{len(frame)} rows")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (a directory for gephi).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, trig, nquads, jsonld, graphml, gexf or gephi.")] = "trig",
    store: StoreOpt = Path(DEFAULT_STORE),
) -> None:
    """Export the store as RDF, GraphML/GEXF, or Gephi spreadsheet CSVs."""
    from kg.rdf import KGStore

    _require_store(store)
    with KGStore(store) as kgstore:
        written = kgstore.export(out, fmt)
    for path in written if isinstance(written, (list, tuple)) else [written or out]:
        console.print(f"wrote {path}")


@app.command()
def load(
    dump: Annotated[Path, typer.Argument(help="An exported dump (.ttl, .trig, .nq, .jsonld).")],
    store: StoreOpt = Path(DEFAULT_STORE),
) -> None:
    """Import an exported dump into a store."""
    from kg.rdf import KGStore

    with KGStore(store) as kgstore:
        kgstore.load(dump)
        stats = kgstore.stats()
    console.print(f"loaded {dump} into {store}: {stats}")


def _print_validation(result) -> None:
    """Print a SHACL report: a one-line verdict, then the violations and warnings as a table."""
    verdict = "[green]conforms[/]" if result.conforms else f"[red]{len(result.violations)} violation(s)[/]"
    console.print(f"SHACL validation: {verdict}, {len(result.warnings)} warning(s)")
    shown = (result.violations + result.warnings)[:50]
    if shown:
        console.print(_table("SHACL results (first 50)", [(r.severity, r.label or r.focus, r.path, r.message) for r in shown],
                             ("severity", "node", "path", "message")))


@app.command()
def validate(store: StoreOpt = Path(DEFAULT_STORE)) -> None:
    """Validate the store against the SHACL shapes in ontology/shapes.ttl."""
    from kg.rdf import KGStore
    from kg.rdf.validate import validate as run_shacl

    _require_store(store)
    with KGStore(store) as kgstore:
        result = run_shacl(kgstore)
    _print_validation(result)
    if not result.conforms:
        raise typer.Exit(1)


@app.command()
def hubs(
    store: StoreOpt = Path(DEFAULT_STORE),
    top: Annotated[int, typer.Option("--top", "-n", help="How many actors (0 = all with a tie).")] = 10,
    by: Annotated[str, typer.Option(help="Rank by hub, degree, weighted_degree, pagerank or betweenness.")] = "hub",
    region: Annotated[Optional[list[str]], typer.Option(help="Only actors in this region or group (repeatable): 河北, 京津冀, 371400.")] = None,
    cls: Annotated[Optional[list[str]], typer.Option("--class", help="Only actors of this class (repeatable): Enterprise, University...")] = None,
    start: Annotated[Optional[str], typer.Option(help="Only ties dated from this date (YYYY[-MM[-DD]]).")] = None,
    end: Annotated[Optional[str], typer.Option(help="Only ties dated up to this date.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Collaboration hubs: actors many others work with, often, through important partners."""
    with _open_graph(store) as graph, _reported():
        frame = graph.hubs(top=top or None, by=by, region=region or None, cls=cls or None, start=start, end=end)
    columns = ["rank", "label", "cls", "city", "degree", "pagerank", "betweenness", "hub_score"]
    _print_frame(frame if fmt != "table" else frame[columns], fmt, f"collaboration hubs (by {by})")


@app.command()
def communities(
    store: StoreOpt = Path(DEFAULT_STORE),
    method: Annotated[str, typer.Option(help="louvain or leiden.")] = "louvain",
    seed: Annotated[int, typer.Option(help="Random seed (the same seed gives the same communities).")] = 0,
    resolution: Annotated[float, typer.Option(help="Above 1: smaller communities.")] = 1.0,
    fmt: FormatOpt = "table",
) -> None:
    """Communities of actors tied more to each other than to the rest, with their dominant region and class."""
    with _open_graph(store) as graph, _reported():
        frame = graph.communities(method=method, seed=seed, resolution=resolution)
    frame = frame.drop(columns=["nodes"])
    _print_frame(frame, fmt, f"{len(frame)} communities ({method}, seed {seed})")


@app.command()
def paths(
    source: Annotated[str, typer.Option("--from", help="Source region or group: 北京, 京津, 天津...")] = "京津",
    target: Annotated[str, typer.Option("--to", help="Target region or group: 河北, 德州, 定州...")] = "河北",
    k: Annotated[int, typer.Option("--k", "-k", help="Number of paths.")] = 5,
    cost: Annotated[str, typer.Option(help="inverse_weight (best supported), neg_log_confidence (most certain) or hops.")] = "inverse_weight",
    max_hops: Annotated[Optional[int], typer.Option(help="Leave out longer paths.")] = None,
    include_guessed_regions: GuessedOpt = False,
    store: StoreOpt = Path(DEFAULT_STORE),
    fmt: FormatOpt = "table",
) -> None:
    """Technology-transfer paths from actors in one region to another, each hop with its evidence sentence."""
    with _open_graph(store) as graph, _reported():
        frame = graph.paths(source=source, target=target, k=k, cost=cost, max_hops=max_hops,
                            include_guessed_regions=include_guessed_regions)
    if fmt != "table":
        _print_frame(frame, fmt, "")
        return
    if frame.empty:
        console.print(f"no transfer path from {escape(source)} to {escape(target)}")
        return
    for number, hops_of_path in frame.groupby("path", sort=True):
        console.print(f"[bold]{number}. {escape(hops_of_path.route.iloc[0])}[/]  (cost {hops_of_path.path_cost.iloc[0]:.3g})")
        for _, hop in hops_of_path.iterrows():
            way = " (walked backwards)" if hop.direction == "reverse" else ""
            console.print(f"   {escape(str(hop['from']))} —{hop.relation}{way}→ {escape(str(hop.to))}   "
                          f"{hop.weight} article(s), confidence {_cell(hop.confidence)}, {_cell(hop.date)}, "
                          f"{escape(str(hop.article))} [{_cell(hop.start)}:{_cell(hop.end)}]", soft_wrap=True)
            console.print(f"      「{escape(str(hop.sentence))}」", soft_wrap=True)


@app.command()
def flows(
    store: StoreOpt = Path(DEFAULT_STORE),
    level: Annotated[str, typer.Option(help="city, province or region (the finest: districts, county-level cities).")] = "city",
    net: Annotated[bool, typer.Option("--net", help="Net flows (from → to minus back).")] = False,
    year: Annotated[Optional[str], typer.Option(help="Only ties with evidence of this year.")] = None,
    corridor: Annotated[Optional[list[str]], typer.Option(help="A corridor FROM:TO (repeatable); default: kg/resources/corridors.tsv.")] = None,
    corridors_file: Annotated[Optional[Path], typer.Option("--corridors", help="A corridors table (from<TAB>to).")] = None,
    by_year: Annotated[bool, typer.Option("--by-year", help="Corridors year by year.")] = False,
    top: Annotated[int, typer.Option("--top", "-n", help="How many region pairs to list.")] = 20,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write flows.csv, strength.csv and corridors.csv here.")] = None,
    include_guessed_regions: GuessedOpt = False,
) -> None:
    """City-to-city (or province) flows: the strongest region pairs, corridors both ways, in/out strength."""
    from kg import algorithms

    with _reported(ValueError, OSError):
        pairs = [tuple(c.split(":", 1)) for c in corridor] if corridor else algorithms.read_corridors(corridors_file)
        if any(len(p) != 2 or not all(p) for p in pairs):
            raise ValueError(f"a corridor is FROM:TO, not {corridor}")
        with _open_graph(store) as graph:
            gross = graph.flows(level, year=year, include_guessed_regions=include_guessed_regions)
            corridors = graph.corridors(pairs, by_year=by_year, include_guessed_regions=include_guessed_regions)
    matrix = algorithms.net_flow(gross) if net else gross
    strength = algorithms.strength(gross).rename_axis(level)
    _print_frame(algorithms.region_pairs(gross, top=top), "table",
                 f"strongest {level} pairs (ties; {'net' if net else 'gross'} matrix in flows.csv)")
    _print_frame(corridors, "table", "corridors")
    _print_frame(strength.head(top), "table", f"{level} strength (ties out, in, net, inside)", index=True)
    if out is not None:
        frames = {"flows": matrix, "strength": strength, "corridors": corridors.set_index("corridor")}
        for path in algorithms.write_csv(frames, out):
            console.print(f"wrote {path}")


@app.command()
def serve(
    store: StoreOpt = Path(DEFAULT_STORE),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to bind (loopback by default).")] = "127.0.0.1",
) -> None:
    """Serve the SPARQL endpoint, REST API and graph explorer."""
    from api.main import serve as run_server

    _require_store(store)
    console.print(f"serving {store} on http://{host}:{port}  (SPARQL: /sparql, explorer: /, API docs: /docs)")
    run_server(store=store, port=port, host=host)


@eval_app.command("ner")
def eval_ner(
    path: Annotated[Path, typer.Argument(help="Annotated data file.")],
    fmt: Annotated[str, typer.Option("--format", help="cluener or bio.")] = "cluener",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON keyed by dataset label.")] = False,
    models: Annotated[Optional[str], typer.Option(help="Statistical models, comma-separated: crf (default), char, crf,char; none for rules only.")] = None,
) -> None:
    """Exact-span precision/recall/F1 of the entity stage, per dataset label."""
    from kg.evaluate.ner import evaluate, format_table
    from kg.nlp import load_nlp

    with _reported():
        if models is None:
            nlp = load_nlp()
        elif models.strip() == "none":
            nlp = load_nlp(statistical=False)
        else:
            nlp = load_nlp(models=[m.strip() for m in models.split(",") if m.strip()])
    result = evaluate(nlp, path, fmt)
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_table(result))


@eval_app.command("relations")
def eval_relations(
    path: Annotated[Path, typer.Argument(help="Annotated data file.")],
    fmt: Annotated[str, typer.Option("--format", help="finre.")] = "finre",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON keyed by relation.")] = False,
    part: Annotated[Optional[str], typer.Option(help="Only part of the file: heldout (the tenth kept for measuring) or dev.")] = None,
) -> None:
    """Precision/recall/F1 of the relation stage on entity pairs given by the dataset."""
    from kg.evaluate.relations import evaluate, format_table

    result = evaluate(path, fmt, part=part)
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_table(result))


@eval_app.command("news")
def eval_news(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL annotated to ANNOTATION.md (ids, entities, ties).")],
    articles: Annotated[Optional[Path], typer.Option(help="JSONL with the articles the gold names (default: articles.jsonl beside GOLD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON.")] = False,
    show: Annotated[int, typer.Option(help="Print this many missed ties, false positives, missed entities and region errors.")] = 0,
    resources: Annotated[Optional[Path], typer.Option(help="Resources directory (default: the shipped kg/resources).")] = None,
) -> None:
    """Entity recall, tie P/R/F1 (strict and undirected, per relation) and city-level region accuracy on real news."""
    from kg.evaluate.news import evaluate, format_report

    with _reported(ValueError, FileNotFoundError):
        result = evaluate(gold, articles, resources=resources)
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_report(result, show=show))


def main() -> None:  # pragma: no cover - console entry point alias
    """Run the CLI."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
