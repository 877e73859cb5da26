// Gaps: one row with eight lists (see docs/analyses.md for each definition).
// A phenomenon is addressed when an active measure addresses it or a descendant; its
// branches are those of the organisations responsible for those measures.
// Filters ($branch, $theme, $group: ids or null) only choose rows of the unfiltered
// answer, never change a row ("Filters" in docs/analyses.md); the phenomena that the
// theme and group filters keep are computed once, in the first block.
// $without (organisation ids; empty for the graph as it is) answers "what if they stepped
// out" (docs/analyses.md, "what-if"): their responsibilities and memberships are left out,
// and an active measure whose responsible organisations are all among them is orphaned and
// no longer counts as active.
// params: period, as_of, active, branch, theme, group, without
// columns: unaddressed_phenomena, single_branch_phenomena, goals_without_measures,
//   measures_without_owner, measures_without_resources, overdue_measures,
//   groups_missing_stakeholders, phenomena_outside_groups, orphaned_measures
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
  // the orphaned measures of a what-if: active, with responsible organisations, all of
  // them among $without (none when $without is empty)
  OPTIONAL MATCH (m:Measure)
  WHERE size($without) > 0 AND m.status IN $active
    AND EXISTS { (m)<-[:RESPONSIBLE_FOR]-(:Organisation) }
    AND NOT EXISTS { MATCH (m)<-[:RESPONSIBLE_FOR]-(o:Organisation) WHERE NOT o.id IN $without }
  WITH m ORDER BY m.id
  RETURN collect(m) AS orphaned
}
CALL (every, kept, orphaned) {
  // bottom-up: the branches of each directly addressed phenomenon, then up to its
  // ancestors; only addressed phenomena come out of this block
  MATCH (m:Measure)-[:ADDRESSES]->(q:Phenomenon)
  WHERE m.status IN $active AND NOT m IN orphaned
  WITH q, collect(m) AS measures
  WITH q, COLLECT {
    UNWIND measures AS m
    MATCH (m)<-[:RESPONSIBLE_FOR]-(o:Organisation)-[:BELONGS_TO]->(b:AdministrativeBranch)
    WHERE NOT o.id IN $without
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
  WHERE $branch IS NULL OR $branch IN branches
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
CALL (every, kept, orphaned) {
  // nobody works on these: the branch filter does not narrow them
  MATCH (p:Phenomenon)
  WHERE (every OR p.id IN kept) AND NOT EXISTS {
    MATCH (p)<-[:PART_OF*0..]-(:Phenomenon)<-[:ADDRESSES]-(m:Measure)
    WHERE m.status IN $active AND NOT m IN orphaned
  }
  WITH p
  ORDER BY p.id
  RETURN collect({id: p.id}) AS unaddressed_phenomena
}
CALL (every, kept, orphaned) {
  MATCH (g:Goal)
  WHERE NOT EXISTS {
    MATCH (g)<-[:ADVANCES]-(m:Measure)
    WHERE m.status IN $active AND NOT m IN orphaned
  } AND (every OR EXISTS {
    MATCH (g)-[:TARGETS]->(q:Phenomenon) WHERE q.id IN kept
  })
  WITH g
  ORDER BY g.id
  RETURN collect({id: g.id}) AS goals_without_measures
}
CALL (every, kept, orphaned) {
  MATCH (m:Measure)
  WHERE m.status IN $active AND NOT m IN orphaned AND (every OR EXISTS {
    MATCH (m)-[:ADDRESSES]->(q:Phenomenon) WHERE q.id IN kept
  })
  WITH m, $branch IS NULL OR EXISTS {
    MATCH (m)<-[:RESPONSIBLE_FOR]-(o:Organisation)-[:BELONGS_TO]->(b:AdministrativeBranch)
    WHERE b.id = $branch AND NOT o.id IN $without
  } AS of_branch
  ORDER BY m.id
  RETURN
    // without an owner a measure has no branch: the branch filter does not narrow these
    collect(CASE WHEN NOT EXISTS {
      MATCH (m)<-[:RESPONSIBLE_FOR]-(o:Organisation) WHERE NOT o.id IN $without
    } THEN {id: m.id} END)
      AS measures_without_owner,
    collect(CASE WHEN of_branch AND m.resources_eur IS NULL AND m.resources_person_years IS NULL
      THEN {id: m.id} END) AS measures_without_resources,
    collect(CASE WHEN of_branch AND m.end < $as_of THEN {id: m.id, end: m.end} END)
      AS overdue_measures
}
CALL (every, kept) {
  MATCH (g:PriorityGroup)
  WHERE g.period = $period AND ($group IS NULL OR g.id = $group)
  // members once per group: cheaper than a MEMBER_OF check per organisation found
  WITH g, COLLECT {
    MATCH (g)<-[:MEMBER_OF]-(member:Organisation) WHERE NOT member.id IN $without RETURN member
  } AS members
  MATCH (g)-[:FOCUSES_ON]->(:Phenomenon)<-[:PART_OF*0..]-(q:Phenomenon)
  WITH DISTINCT g, members, q
  MATCH (q)<-[:ADDRESSES]-(m:Measure)<-[:RESPONSIBLE_FOR]-(o:Organisation)
  WHERE m.status IN $active AND NOT o IN members AND NOT o.id IN $without
    AND ($branch IS NULL OR EXISTS {
      MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch) WHERE b.id = $branch
    })
  WITH DISTINCT g, o, q.id AS phenomenon
  ORDER BY phenomenon
  WITH g, o, collect(phenomenon) AS phenomena
  WHERE every OR any(q IN phenomena WHERE q IN kept)
  ORDER BY g.id, o.id
  RETURN collect({group: g.id, organisation: o.id, phenomena: phenomena})
    AS groups_missing_stakeholders
}
RETURN
  [m IN orphaned | {id: m.id}] AS orphaned_measures,
  unaddressed_phenomena,
  single_branch_phenomena,
  goals_without_measures,
  measures_without_owner,
  measures_without_resources,
  overdue_measures,
  groups_missing_stakeholders,
  phenomena_outside_groups
