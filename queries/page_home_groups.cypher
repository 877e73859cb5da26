// Home page: the priority groups of one period, by number. No rows for a null period.
// params: period
// columns: id, number, name ({fi, sv, en}), source
MATCH (g:PriorityGroup {period: $period})
RETURN g.id AS id, g.number AS number, {fi: g.name_fi, sv: g.name_sv, en: g.name_en} AS name,
  g.source AS source
ORDER BY g.number
