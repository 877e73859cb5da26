// Gaps: one row with eight lists (see docs/analyses.md for each definition).
// A phenomenon is addressed when an active measure addresses it or a descendant; its
// branches are those of the organisations responsible for those measures.
// params: period, as_of, active
// columns: unaddressed_phenomena, single_branch_phenomena, goals_without_measures,
//   measures_without_owner, measures_without_resources, overdue_measures,
//   groups_missing_stakeholders, phenomena_outside_groups
CALL () {
  // bottom-up: the branches of each directly addressed phenomenon, then up to its
  // ancestors; only addressed phenomena come out of this block
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
  WITH p, COLLECT {
    UNWIND found AS branches
    UNWIND branches AS branch
    RETURN DISTINCT branch
    ORDER BY branch
  } AS branches
  // a group near the phenomenon: on it, on an ancestor or on a descendant
  WITH p, branches, NOT (
    EXISTS {
      MATCH (p)-[:PART_OF*0..]->(:Phenomenon)<-[:FOCUSES_ON]-(g:PriorityGroup)
      WHERE g.period = $period
    } OR EXISTS {
      MATCH (p)<-[:PART_OF*1..]-(:Phenomenon)<-[:FOCUSES_ON]-(g:PriorityGroup)
      WHERE g.period = $period
    }
  ) AS outside
  ORDER BY p.id
  RETURN
    collect(CASE WHEN size(branches) <= 1 THEN {id: p.id, branches: branches} END)
      AS single_branch_phenomena,
    collect(CASE WHEN outside THEN {id: p.id} END) AS phenomena_outside_groups
}
CALL () {
  MATCH (p:Phenomenon)
  WHERE NOT EXISTS {
    MATCH (p)<-[:PART_OF*0..]-(:Phenomenon)<-[:ADDRESSES]-(m:Measure)
    WHERE m.status IN $active
  }
  WITH p
  ORDER BY p.id
  RETURN collect({id: p.id}) AS unaddressed_phenomena
}
CALL () {
  MATCH (g:Goal)
  WHERE NOT EXISTS {
    MATCH (g)<-[:ADVANCES]-(m:Measure)
    WHERE m.status IN $active
  }
  WITH g
  ORDER BY g.id
  RETURN collect({id: g.id}) AS goals_without_measures
}
CALL () {
  MATCH (m:Measure)
  WHERE m.status IN $active
  WITH m
  ORDER BY m.id
  RETURN
    collect(CASE WHEN NOT EXISTS { (m)<-[:RESPONSIBLE_FOR]-(:Organisation) } THEN {id: m.id} END)
      AS measures_without_owner,
    collect(CASE WHEN m.resources_eur IS NULL AND m.resources_person_years IS NULL
      THEN {id: m.id} END) AS measures_without_resources,
    collect(CASE WHEN m.end < $as_of THEN {id: m.id, end: m.end} END) AS overdue_measures
}
CALL () {
  MATCH (g:PriorityGroup)
  WHERE g.period = $period
  // members once per group: cheaper than a MEMBER_OF check per organisation found
  WITH g, COLLECT { MATCH (g)<-[:MEMBER_OF]-(member:Organisation) RETURN member } AS members
  MATCH (g)-[:FOCUSES_ON]->(:Phenomenon)<-[:PART_OF*0..]-(q:Phenomenon)
  WITH DISTINCT g, members, q
  MATCH (q)<-[:ADDRESSES]-(m:Measure)<-[:RESPONSIBLE_FOR]-(o:Organisation)
  WHERE m.status IN $active AND NOT o IN members
  WITH DISTINCT g, o, q.id AS phenomenon
  ORDER BY phenomenon
  WITH g, o, collect(phenomenon) AS phenomena
  ORDER BY g.id, o.id
  RETURN collect({group: g.id, organisation: o.id, phenomena: phenomena})
    AS groups_missing_stakeholders
}
RETURN
  unaddressed_phenomena,
  single_branch_phenomena,
  goals_without_measures,
  measures_without_owner,
  measures_without_resources,
  overdue_measures,
  groups_missing_stakeholders,
  phenomena_outside_groups
