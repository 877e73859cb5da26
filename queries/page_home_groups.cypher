// Home page: the priority groups of one period, by number. No rows for a null period.
// params: period
// columns: id, number, name ({fi, en})
MATCH (g:PriorityGroup {period: $period})
RETURN g.id AS id, g.number AS number, {fi: g.name_fi, en: g.name_en} AS name
ORDER BY g.number
