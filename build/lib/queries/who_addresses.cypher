// Who addresses a phenomenon: the organisations responsible for active measures on it or
// a descendant, and the members of the period's groups that focus on it or a descendant.
// One row; `found` is false when the phenomenon does not exist.
// params: phenomenon, period, active
// columns: found (bool), actors (list of {organisation, branch, measures, groups}, by organisation)
OPTIONAL MATCH (p:Phenomenon {id: $phenomenon})
RETURN p IS NOT NULL AS found, COLLECT {
  MATCH (d:Phenomenon)-[:PART_OF*0..]->(p)
  CALL (d) {
    MATCH (d)<-[:ADDRESSES]-(m:Measure)<-[:RESPONSIBLE_FOR]-(o:Organisation)
    WHERE m.status IN $active
    RETURN o, m.id AS measure, null AS grp
    UNION
    MATCH (d)<-[:FOCUSES_ON]-(g:PriorityGroup)<-[:MEMBER_OF]-(o:Organisation)
    WHERE g.period = $period
    RETURN o, null AS measure, g.id AS grp
  }
  WITH o, measure, grp
  ORDER BY measure, grp
  WITH o, collect(DISTINCT measure) AS measures, collect(DISTINCT grp) AS groups
  OPTIONAL MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch)
  RETURN {organisation: o.id, branch: b.id, measures: measures, groups: groups} AS actor
  ORDER BY actor.organisation
} AS actors
