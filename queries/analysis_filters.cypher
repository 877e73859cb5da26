// The filters of gaps, overlaps and coverage: whether each given id exists, and the
// period of the priority group filtered by (null ids are not looked up).
// params: branch, theme, group
// columns: branch_found, theme_found, group_found, group_period
RETURN
  $branch IS NULL OR EXISTS { MATCH (b:AdministrativeBranch) WHERE b.id = $branch }
    AS branch_found,
  $theme IS NULL OR EXISTS { MATCH (t:Theme) WHERE t.id = $theme } AS theme_found,
  $group IS NULL OR EXISTS { MATCH (g:PriorityGroup) WHERE g.id = $group } AS group_found,
  head(COLLECT { MATCH (g:PriorityGroup) WHERE g.id = $group RETURN g.period }) AS group_period
