// Theme page: the phenomena and the priority groups tagged with one theme (IN_THEME).
// params: id
// columns: phenomena (list of ids, by id),
//          groups (list of {id, period, number}: latest period first, then by number)
MATCH (t:Theme {id: $id})
RETURN
  COLLECT { MATCH (p:Phenomenon)-[:IN_THEME]->(t) RETURN p.id AS x ORDER BY x } AS phenomena,
  COLLECT {
    MATCH (g:PriorityGroup)-[:IN_THEME]->(t)
    RETURN {id: g.id, period: g.period, number: g.number} AS x
    ORDER BY x.period DESC, x.number, x.id
  } AS groups
