// Coverage: the phenomenon x branch matrix. For each phenomenon (by id), the number of
// distinct active measures on it or a descendant with a responsible organisation in each
// branch, and its total: the distinct active measures on it or a descendant, whatever
// their organisations (a measure of two branches counts in both columns, once in the
// total). Only non-zero cells come out here, the caller fills in the zeros.
// Filters: $theme and $group keep rows (phenomena), $branch keeps one column; counts and
// totals never change ("Filters" in docs/analyses.md).
// params: active, branch, theme, group
// columns: branches (the branch ids shown, sorted), phenomena (the ids shown, sorted),
//   counted (list of {phenomenon, total, counts: [{branch, n}]}, non-zero only, any order)
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
CALL () {
  MATCH (b:AdministrativeBranch)
  WHERE $branch IS NULL OR b.id = $branch
  WITH b
  ORDER BY b.id
  RETURN collect(b.id) AS branches
}
CALL (every, kept) {
  // bottom-up: each active measure's branches once, then every phenomenon it addresses
  // and their ancestors; a measure counts once per phenomenon however many of the
  // phenomenon's descendants it addresses
  MATCH (m:Measure)
  WHERE m.status IN $active
  WITH m, COLLECT {
    MATCH (m)<-[:RESPONSIBLE_FOR]-(:Organisation)-[:BELONGS_TO]->(b:AdministrativeBranch)
    WHERE $branch IS NULL OR b.id = $branch
    RETURN DISTINCT b.id AS branch
  } AS branches
  MATCH (m)-[:ADDRESSES]->(:Phenomenon)-[:PART_OF*0..]->(p:Phenomenon)
  WITH DISTINCT p, m, branches
  WHERE every OR p.id IN kept
  WITH p, count(m) AS total, collect(branches) AS per_measure
  WITH p, total, COLLECT {
    UNWIND per_measure AS found
    UNWIND found AS branch
    WITH branch, count(*) AS n
    RETURN {branch: branch, n: n} AS cell
  } AS counts
  RETURN collect({phenomenon: p.id, total: total, counts: counts}) AS counted
}
CALL (every, kept) {
  MATCH (p:Phenomenon)
  WHERE every OR p.id IN kept
  WITH p
  ORDER BY p.id
  RETURN collect(p.id) AS phenomena
}
RETURN branches, phenomena, counted
