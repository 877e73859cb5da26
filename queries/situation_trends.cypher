// Situation picture: per period, what the trends chart and the key figures count. The
// active measures of a period are those (status in $active, the one definition) that
// advance a goal set by one of the period's priority groups; its members are the
// organisations that are members of one of its groups.
// params: active
// columns: period (int), groups (int), focus_phenomena (int: distinct phenomena the
//          period's groups focus on directly), members (int), active_measures (int)
MATCH (g:PriorityGroup)
WHERE g.period IS NOT NULL
WITH g.period AS period, collect(g) AS groups
RETURN period,
  size(groups) AS groups,
  COUNT {
    UNWIND groups AS g
    MATCH (g)-[:FOCUSES_ON]->(p:Phenomenon)
    RETURN DISTINCT p
  } AS focus_phenomena,
  COUNT {
    UNWIND groups AS g
    MATCH (g)<-[:MEMBER_OF]-(o:Organisation)
    RETURN DISTINCT o
  } AS members,
  COUNT {
    UNWIND groups AS g
    MATCH (g)-[:SETS]->(:Goal)<-[:ADVANCES]-(m:Measure)
    WHERE m.status IN $active
    RETURN DISTINCT m
  } AS active_measures
ORDER BY period
