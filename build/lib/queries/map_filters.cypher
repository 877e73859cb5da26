// Map filters: whether the theme, branch and priority group named as map filters exist,
// and the periods in the graph, so that a map refuses an unknown value with a clear message.
// A null parameter means "no such filter" and counts as found.
// params: theme, branch, group
// columns: theme_found (bool), branch_found (bool), group_found (bool),
//          periods (list of int, ascending)
RETURN
  $theme IS NULL OR EXISTS { MATCH (:Theme {id: $theme}) } AS theme_found,
  $branch IS NULL OR EXISTS { MATCH (:AdministrativeBranch {id: $branch}) } AS branch_found,
  $group IS NULL OR EXISTS { MATCH (:PriorityGroup {id: $group}) } AS group_found,
  COLLECT {
    MATCH (g:PriorityGroup) WHERE g.period IS NOT NULL
    RETURN DISTINCT g.period AS period ORDER BY period
  } AS periods
