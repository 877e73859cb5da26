// Who works on what: one row per (organisation, phenomenon) pair where the organisation is
// responsible for an active measure (status in $active) that addresses the phenomenon
// directly. Every filter may be null (no filter):
//   period: the phenomenon is in the scope of a priority group of that period
//           (a phenomenon the group focuses on, or a narrower one under it);
//   theme:  the phenomenon, or a broader phenomenon above it, is in that theme;
//   branch: the organisation belongs to that administrative branch;
//   group:  the phenomenon is in the scope of that priority group.
// params: active, period, theme, branch, group
// columns: organisation (node properties), branch (id or null), phenomenon (node properties),
//          measures (ids of the active measures, ascending), lead (bool: lead on one or more)
MATCH (o:Organisation)-[r:RESPONSIBLE_FOR]->(m:Measure)-[:ADDRESSES]->(p:Phenomenon)
WHERE m.status IN $active
OPTIONAL MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch)
WITH o, b, r, m, p
WHERE ($branch IS NULL OR b.id = $branch)
  AND ($theme IS NULL OR EXISTS {
    MATCH (p)-[:PART_OF*0..]->(:Phenomenon)-[:IN_THEME]->(:Theme {id: $theme})
  })
  AND ($period IS NULL OR EXISTS {
    MATCH (p)-[:PART_OF*0..]->(:Phenomenon)<-[:FOCUSES_ON]-(g:PriorityGroup)
    WHERE g.period = $period
  })
  AND ($group IS NULL OR EXISTS {
    MATCH (p)-[:PART_OF*0..]->(:Phenomenon)<-[:FOCUSES_ON]-(:PriorityGroup {id: $group})
  })
WITH o, b, p, m, r
ORDER BY m.id
RETURN properties(o) AS organisation, b.id AS branch, properties(p) AS phenomenon,
       collect(DISTINCT m.id) AS measures, 'lead' IN collect(r.role) AS lead
ORDER BY organisation.id, phenomenon.id
