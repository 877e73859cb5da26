// Periods: the distinct periods of the priority groups in the graph, ascending.
// params: none
// columns: period (int)
MATCH (g:PriorityGroup)
WHERE g.period IS NOT NULL
RETURN DISTINCT g.period AS period
ORDER BY period
