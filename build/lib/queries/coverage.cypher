// Coverage: the phenomenon x branch matrix. For each phenomenon (by id), the number of
// distinct active measures on it or a descendant with a responsible organisation in each
// branch; only non-zero cells come out here, the caller fills in the zeros.
// params: active
// columns: branches (all branch ids, sorted), phenomena (all ids, sorted),
//   counted (list of {phenomenon, counts: [{branch, n}]}, non-zero cells only, any order)
CALL () {
  MATCH (b:AdministrativeBranch)
  WITH b
  ORDER BY b.id
  RETURN collect(b.id) AS branches
}
CALL () {
  // bottom-up: each active measure's branches once, then every phenomenon it addresses
  // and their ancestors; a measure counts once per phenomenon however many of the
  // phenomenon's descendants it addresses
  MATCH (m:Measure)
  WHERE m.status IN $active
  WITH m, COLLECT {
    MATCH (m)<-[:RESPONSIBLE_FOR]-(:Organisation)-[:BELONGS_TO]->(b:AdministrativeBranch)
    RETURN DISTINCT b.id AS branch
  } AS branches
  WHERE size(branches) > 0
  MATCH (m)-[:ADDRESSES]->(:Phenomenon)-[:PART_OF*0..]->(p:Phenomenon)
  WITH DISTINCT p, m, branches
  UNWIND branches AS branch
  WITH p, branch, count(*) AS n
  WITH p.id AS phenomenon, collect({branch: branch, n: n}) AS counts
  RETURN collect({phenomenon: phenomenon, counts: counts}) AS counted
}
CALL () {
  MATCH (p:Phenomenon)
  WITH p
  ORDER BY p.id
  RETURN collect(p.id) AS phenomena
}
RETURN branches, phenomena, counted
