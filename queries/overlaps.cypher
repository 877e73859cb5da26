// Overlaps: one row with four lists (see docs/analyses.md for each definition).
// uncoordinated_measures only pairs measures that address the same phenomenon directly,
// so its cost grows with the square of the measures per phenomenon, not of all measures.
// Phenomena's branches are computed bottom-up (measure -> phenomenon -> ancestors).
// Filters ($branch, $theme, $group: ids or null) only choose rows of the unfiltered
// answer, never change a row ("Filters" in docs/analyses.md).
// params: period, min_branches, min_groups, active, branch, theme, group
// columns: multi_branch_phenomena, uncoordinated_measures, group_overlaps, busy_organisations
CALL () {
  // the phenomena the theme and group filters keep: the same block in gaps, overlaps, coverage
  OPTIONAL MATCH (p:Phenomenon)
  WHERE ($theme IS NULL OR EXISTS {
      MATCH (p)-[:IN_THEME]->(t:Theme) WHERE t.id = $theme
    })
    AND ($group IS NULL OR EXISTS {
      MATCH (p)-[:PART_OF*0..]->(:Phenomenon)<-[:FOCUSES_ON]-(f:PriorityGroup) WHERE f.id = $group
    })
  RETURN $theme IS NULL AND $group IS NULL AS every, collect(p.id) AS kept
}
CALL (every, kept) {
  // bottom-up, as in gaps.cypher: branches per directly addressed phenomenon, then up
  MATCH (m:Measure)-[:ADDRESSES]->(q:Phenomenon)
  WHERE m.status IN $active
  WITH q, collect(m) AS measures
  WITH q, COLLECT {
    UNWIND measures AS m
    MATCH (m)<-[:RESPONSIBLE_FOR]-(:Organisation)-[:BELONGS_TO]->(b:AdministrativeBranch)
    RETURN DISTINCT b.id AS branch
  } AS found
  MATCH (q)-[:PART_OF*0..]->(p:Phenomenon)
  WITH p, collect(found) AS found
  WHERE every OR p.id IN kept
  WITH p, COLLECT {
    UNWIND found AS branches
    UNWIND branches AS branch
    RETURN DISTINCT branch
    ORDER BY branch
  } AS branches
  WHERE size(branches) >= $min_branches AND ($branch IS NULL OR $branch IN branches)
  ORDER BY size(branches) DESC, p.id
  RETURN collect({id: p.id, branches: branches, count: size(branches)}) AS multi_branch_phenomena
}
CALL (every, kept) {
  // per measure once: its owners, and who it "reaches" (its owners and everyone sharing
  // a group of the period with one of them); a pair is uncoordinated when no owner of
  // one is reached by the other (a symmetric test)
  MATCH (m:Measure)
  WHERE m.status IN $active
  WITH m, COLLECT { MATCH (m)<-[:RESPONSIBLE_FOR]-(o:Organisation) RETURN o } AS owners
  WHERE size(owners) > 0
  WITH m, owners, owners + COLLECT {
    UNWIND owners AS o
    MATCH (o)-[:MEMBER_OF]->(g:PriorityGroup)<-[:MEMBER_OF]-(other:Organisation)
    WHERE g.period = $period
    RETURN DISTINCT other
  } AS reach
  WITH m, owners, reach, $branch IS NULL OR any(o IN owners WHERE EXISTS {
    MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch) WHERE b.id = $branch
  }) AS of_branch
  MATCH (m)-[:ADDRESSES]->(p:Phenomenon)
  WHERE every OR p.id IN kept
  WITH p, collect({id: m.id, owners: owners, reach: reach, of_branch: of_branch}) AS measures
  WHERE size(measures) > 1
  UNWIND range(0, size(measures) - 2) AS i
  UNWIND range(i + 1, size(measures) - 1) AS j
  WITH p, measures[i] AS x, measures[j] AS y
  WHERE (x.of_branch OR y.of_branch) AND none(o IN y.owners WHERE o IN x.reach)
  WITH p.id AS phenomenon,
    CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS a,
    CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS b
  ORDER BY phenomenon, a, b
  RETURN collect({phenomenon: phenomenon, a: a, b: b}) AS uncoordinated_measures
}
CALL () {
  // candidate pairs share a focus phenomenon or a member; nothing else can overlap
  MATCH (a:PriorityGroup)-[:FOCUSES_ON|MEMBER_OF]-(x)-[:FOCUSES_ON|MEMBER_OF]-(b:PriorityGroup)
  WHERE a.period = $period AND b.period = $period AND a.id < b.id
    AND (x:Phenomenon OR x:Organisation)
  WITH DISTINCT a, b
  WHERE ($group IS NULL OR $group IN [a.id, b.id])
    AND ($theme IS NULL OR EXISTS {
      MATCH (g:PriorityGroup)-[:IN_THEME]->(t:Theme) WHERE g IN [a, b] AND t.id = $theme
    })
  WITH a, b,
    COLLECT {
      MATCH (a)-[:FOCUSES_ON]->(p:Phenomenon)<-[:FOCUSES_ON]-(b)
      RETURN p.id AS id ORDER BY id
    } AS shared_phenomena,
    COLLECT {
      MATCH (a)<-[:MEMBER_OF]-(o:Organisation)-[:MEMBER_OF]->(b)
      RETURN o.id AS id ORDER BY id
    } AS shared_members
  WHERE $branch IS NULL OR EXISTS {
    MATCH (a)<-[:MEMBER_OF]-(o:Organisation)-[:MEMBER_OF]->(b)
    MATCH (o)-[:BELONGS_TO]->(br:AdministrativeBranch)
    WHERE br.id = $branch
  }
  WITH a, b, shared_phenomena, shared_members,
    COUNT { (a)-[:FOCUSES_ON]->(:Phenomenon) } + COUNT { (b)-[:FOCUSES_ON]->(:Phenomenon) }
      - size(shared_phenomena) AS focus_union
  ORDER BY a.id, b.id
  // integer arithmetic rounds half up exactly: round(s / u, 3) = floor((2000 s + u) / 2u) / 1000
  RETURN collect({
    a: a.id,
    b: b.id,
    shared_phenomena: shared_phenomena,
    shared_members: shared_members,
    jaccard: CASE focus_union
      WHEN 0 THEN 0.0
      ELSE toFloat((2000 * size(shared_phenomena) + focus_union) / (2 * focus_union)) / 1000.0
    END
  }) AS group_overlaps
}
CALL () {
  MATCH (o:Organisation)-[:MEMBER_OF]->(g:PriorityGroup)
  WHERE g.period = $period
  WITH o, g
  ORDER BY g.id
  WITH o, collect(g.id) AS groups
  WHERE size(groups) >= $min_groups
    AND ($group IS NULL OR $group IN groups)
    AND ($branch IS NULL OR EXISTS {
      MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch) WHERE b.id = $branch
    })
    AND ($theme IS NULL OR EXISTS {
      MATCH (o)-[:MEMBER_OF]->(g:PriorityGroup)-[:IN_THEME]->(t:Theme)
      WHERE g.period = $period AND t.id = $theme
    })
  ORDER BY size(groups) DESC, o.id
  RETURN collect({id: o.id, groups: groups, count: size(groups)}) AS busy_organisations
}
RETURN multi_branch_phenomena, uncoordinated_measures, group_overlaps, busy_organisations
