// Map filter choices: the themes, administrative branches and priority groups (with their
// names) and the periods, for the filter form of the map pages.
// params: none
// columns: themes, branches, groups (lists of {id, fi, sv, en[, period, number]}, by id),
//          periods (list of int, ascending)
RETURN
  COLLECT {
    MATCH (t:Theme)
    RETURN {id: t.id, fi: t.name_fi, sv: t.name_sv, en: t.name_en} AS x ORDER BY x.id
  } AS themes,
  COLLECT {
    MATCH (b:AdministrativeBranch)
    RETURN {id: b.id, fi: b.name_fi, sv: b.name_sv, en: b.name_en} AS x ORDER BY x.id
  } AS branches,
  COLLECT {
    MATCH (g:PriorityGroup)
    RETURN {id: g.id, fi: g.name_fi, sv: g.name_sv, en: g.name_en, period: g.period,
            number: g.number} AS x
    ORDER BY x.period DESC, x.number, x.id
  } AS groups,
  COLLECT {
    MATCH (g:PriorityGroup) WHERE g.period IS NOT NULL
    RETURN DISTINCT g.period AS period ORDER BY period
  } AS periods
