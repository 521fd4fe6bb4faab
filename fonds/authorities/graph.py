"""The roster's relations drawn as SVG, laid out by networkx, written by hand.

The drawing is a picture with links: every node links to its record's page, and
the same relations are listed in text next to it for readers who cannot see it.
"""

from __future__ import annotations

from html import escape

import networkx as nx

from .models import Agent, AgentRelation

WIDTH, HEIGHT = 860, 560
COLOURS = {"organization": "#0b4f8a", "person": "#8a3b0b", "family": "#3b6e2a"}


def relation_graph(agents: list[Agent] | None = None, focus: Agent | None = None) -> nx.Graph:
    """The relation graph of a set of agents (all published ones when None), or the
    neighbourhood of one agent within two steps."""
    graph = nx.Graph()
    relations = AgentRelation.objects.filter(
        target__isnull=False,
        source__in=Agent.objects.public(),
        target__in=Agent.objects.public(),
    ).select_related("source", "target")
    for relation in relations:
        graph.add_edge(
            relation.source_id,
            relation.target_id,
            label=relation.get_relation_type_display(),
        )
        graph.nodes[relation.source_id]["agent"] = relation.source
        graph.nodes[relation.target_id]["agent"] = relation.target
    if focus is not None:
        if focus.pk not in graph:
            graph.add_node(focus.pk, agent=focus)
        return graph.subgraph(nx.ego_graph(graph, focus.pk, radius=2).nodes).copy()
    if agents is not None:
        keep = {a.pk for a in agents}
        return graph.subgraph([n for n in graph if n in keep]).copy()
    return graph


def svg(graph: nx.Graph, focus: Agent | None = None, title: str = "Relations") -> str:
    if graph.number_of_nodes() == 0:
        return ""
    height = max(140, min(HEIGHT, 70 * graph.number_of_nodes()))
    positions = nx.spring_layout(graph, seed=7, k=1.6 / max(graph.number_of_nodes(), 1) ** 0.5)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def place(node: int) -> tuple[float, float]:
        x, y = positions[node]
        return (
            60 + (x - min(xs)) / span_x * (WIDTH - 260),
            30 + (y - min(ys)) / span_y * (height - 60),
        )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="graph-title" class="relation-graph">',
        f'<title id="graph-title">{escape(title)}</title>',
    ]
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = place(a), place(b)
        title = escape(data.get("label", ""))
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#9aa3b2" stroke-width="1.4"><title>{title}</title></line>'
        )
    for node, data in graph.nodes(data=True):
        agent: Agent = data["agent"]
        x, y = place(node)
        colour = COLOURS.get(agent.kind, "#555")
        radius = 9 if focus is not None and agent.pk == focus.pk else 6
        label = (
            agent.authorized_name
            if len(agent.authorized_name) < 42
            else agent.authorized_name[:40] + "…"
        )
        out.append(
            f'<a href="{escape(agent.get_absolute_url())}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"/>'
            f'<text x="{x + 10:.1f}" y="{y + 4:.1f}" font-size="12" fill="#1d2330">'
            f"{escape(label)}</text>"
            "</a>"
        )
    out.append("</svg>")
    return "".join(out)
