// Home page: the number of records of each node type (one column per label; each count
// comes from the count store).
// params: none
// columns: Theme, AdministrativeBranch, Organisation, Phenomenon, Indicator, PriorityGroup,
//          CooperationBody, Goal, Measure (int each)
CALL () { MATCH (n:Theme) RETURN count(n) AS Theme }
CALL () { MATCH (n:AdministrativeBranch) RETURN count(n) AS AdministrativeBranch }
CALL () { MATCH (n:Organisation) RETURN count(n) AS Organisation }
CALL () { MATCH (n:Phenomenon) RETURN count(n) AS Phenomenon }
CALL () { MATCH (n:Indicator) RETURN count(n) AS Indicator }
CALL () { MATCH (n:PriorityGroup) RETURN count(n) AS PriorityGroup }
CALL () { MATCH (n:CooperationBody) RETURN count(n) AS CooperationBody }
CALL () { MATCH (n:Goal) RETURN count(n) AS Goal }
CALL () { MATCH (n:Measure) RETURN count(n) AS Measure }
RETURN Theme, AdministrativeBranch, Organisation, Phenomenon, Indicator, PriorityGroup,
  CooperationBody, Goal, Measure
