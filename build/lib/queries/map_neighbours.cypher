// One step of a neighbourhood map: the organisations, phenomena, priority groups, goals and
// measures next to the given nodes through the relationships of the cooperation work
// (membership of a priority group, focus, goals, targets, measures, responsibility, and the
// organisation and phenomenon hierarchies). Themes, branches and cooperation bodies are not
// crossed: they would connect everything to everything. With a period, priority groups of
// other periods and the goals they set are left out.
// params: ids, period
// columns: ids (element ids of the neighbours)
MATCH (a) WHERE elementId(a) IN $ids
MATCH (a)-[:MEMBER_OF|FOCUSES_ON|SETS|TARGETS|ADVANCES|ADDRESSES|RESPONSIBLE_FOR|PART_OF]-(n)
WHERE (n:Organisation OR n:Phenomenon OR n:PriorityGroup OR n:Goal OR n:Measure)
  AND ($period IS NULL OR NOT n:PriorityGroup OR n.period = $period)
  AND ($period IS NULL OR NOT n:Goal
       OR NOT EXISTS { MATCH (n)<-[:SETS]-(g:PriorityGroup) WHERE g.period <> $period })
RETURN collect(DISTINCT elementId(n)) AS ids
