// What-if, besides the gap lists of gaps.cypher with $without: the organisation ids of
// $without that the graph does not have, and the priority groups of $period that have a
// lead member today and would have none without those organisations (docs/analyses.md,
// "what-if").
// params: period, without
// columns: unknown, groups_without_lead
CALL () {
  UNWIND $without AS id
  OPTIONAL MATCH (o:Organisation {id: id})
  WITH id, o
  WHERE o IS NULL
  RETURN collect(DISTINCT id) AS unknown
}
CALL () {
  MATCH (g:PriorityGroup)
  WHERE g.period = $period
    AND EXISTS { MATCH (g)<-[r:MEMBER_OF]-(:Organisation) WHERE r.role = 'lead' }
    AND NOT EXISTS {
      MATCH (g)<-[r:MEMBER_OF]-(o:Organisation) WHERE r.role = 'lead' AND NOT o.id IN $without
    }
  WITH g
  ORDER BY g.id
  RETURN collect({id: g.id}) AS groups_without_lead
}
RETURN unknown, groups_without_lead
