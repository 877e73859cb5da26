// Phenomenon page: the priority groups (of every period) that focus on this phenomenon,
// latest period first, then by number.
// params: id
// columns: id, period, number, name ({fi, sv, en}), source
MATCH (g:PriorityGroup)-[:FOCUSES_ON]->(:Phenomenon {id: $id})
RETURN g.id AS id, g.period AS period, g.number AS number,
  {fi: g.name_fi, sv: g.name_sv, en: g.name_en} AS name, g.source AS source
ORDER BY g.period DESC, g.number
