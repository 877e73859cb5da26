// The overview map's nodes: every theme, branch, organisation, phenomenon, priority group,
// cooperation body, goal and measure. With a period, priority groups of other periods and
// the goals they set are left out.
// params: period
// columns: ids (element ids)
MATCH (n)
WHERE (n:Theme OR n:AdministrativeBranch OR n:Organisation OR n:Phenomenon
       OR n:PriorityGroup OR n:CooperationBody OR n:Goal OR n:Measure)
  AND ($period IS NULL OR NOT n:PriorityGroup OR n.period = $period)
  AND ($period IS NULL OR NOT n:Goal
       OR NOT EXISTS { MATCH (n)<-[:SETS]-(g:PriorityGroup) WHERE g.period <> $period })
RETURN collect(elementId(n)) AS ids
