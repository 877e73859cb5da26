// The centre of a neighbourhood map: the phenomenon or organisation with this id
// ($label is 'Phenomenon' or 'Organisation'). No row when it does not exist.
// params: label, id
// columns: id (element id)
CALL () {
  MATCH (n:Phenomenon {id: $id}) WHERE $label = 'Phenomenon' RETURN n
  UNION
  MATCH (n:Organisation {id: $id}) WHERE $label = 'Organisation' RETURN n
}
RETURN elementId(n) AS id
