// Collaboration: for each organisation, the phenomena it works on and the priority groups it
// is a member of; two organisations collaborate when they share either. Rows only for
// organisations with at least one of the two. Every filter may be null (no filter):
//   phenomena: addressed directly by an active measure (status in $active) the organisation
//              is responsible for; period/group: in the scope of a group of that period / of
//              that group (its focus phenomena and narrower ones); theme: the phenomenon or a
//              broader one is in the theme;
//   groups:    period: groups of that period; group: only that group; theme: groups in it;
//   branch:    only organisations of that administrative branch.
// params: active, period, theme, branch, group
// columns: organisation (node properties), branch (id or null),
//          phenomena (ids, ascending), groups (ids, ascending)
MATCH (o:Organisation)
OPTIONAL MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch)
WITH o, b
WHERE $branch IS NULL OR b.id = $branch
WITH o, b,
  COLLECT {
    MATCH (o)-[:RESPONSIBLE_FOR]->(m:Measure)-[:ADDRESSES]->(p:Phenomenon)
    WHERE m.status IN $active
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
    RETURN DISTINCT p.id AS id ORDER BY id
  } AS phenomena,
  COLLECT {
    MATCH (o)-[:MEMBER_OF]->(g:PriorityGroup)
    WHERE ($period IS NULL OR g.period = $period)
      AND ($group IS NULL OR g.id = $group)
      AND ($theme IS NULL OR EXISTS { MATCH (g)-[:IN_THEME]->(:Theme {id: $theme}) })
    RETURN DISTINCT g.id AS id ORDER BY id
  } AS groups
WHERE size(phenomena) > 0 OR size(groups) > 0
RETURN properties(o) AS organisation, b.id AS branch, phenomena, groups
ORDER BY organisation.id
