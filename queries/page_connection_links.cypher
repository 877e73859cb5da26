// Connection page: the source of each membership (in a priority group) and responsibility
// (for a measure) between these pairs [organisation id, group or measure id], for the
// provenance of the steps of a path. A pair with no such relationship gives no row.
// params: pairs
// columns: a (organisation id), b (priority group or measure id), source (null when none)
UNWIND $pairs AS pair
MATCH (o:Organisation {id: pair[0]})-[r:MEMBER_OF|RESPONSIBLE_FOR]->(x)
WHERE x.id = pair[1] AND (x:PriorityGroup OR x:Measure)
RETURN o.id AS a, x.id AS b, r.source AS source
