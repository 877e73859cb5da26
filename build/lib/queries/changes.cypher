// Changes between two periods: priority groups matched by number; groups added and
// removed, phenomena that entered or left the focus of all groups, and per matched pair
// the focus phenomena that entered or left and the members who joined or left.
// params: from_period, to_period
// columns: added_groups, removed_groups, entered_phenomena, left_phenomena, matched_groups
CALL () {
  MATCH (t:PriorityGroup)
  WHERE t.period = $to_period AND NOT EXISTS {
    MATCH (f:PriorityGroup)
    WHERE f.period = $from_period AND f.number = t.number
  }
  WITH t
  ORDER BY t.id
  RETURN collect({id: t.id, number: t.number}) AS added_groups
}
CALL () {
  MATCH (f:PriorityGroup)
  WHERE f.period = $from_period AND NOT EXISTS {
    MATCH (t:PriorityGroup)
    WHERE t.period = $to_period AND t.number = f.number
  }
  WITH f
  ORDER BY f.id
  RETURN collect({id: f.id, number: f.number}) AS removed_groups
}
CALL () {
  MATCH (t:PriorityGroup)-[:FOCUSES_ON]->(p:Phenomenon)
  WHERE t.period = $to_period AND NOT EXISTS {
    MATCH (p)<-[:FOCUSES_ON]-(f:PriorityGroup)
    WHERE f.period = $from_period
  }
  WITH DISTINCT p.id AS id
  ORDER BY id
  RETURN collect(id) AS entered_phenomena
}
CALL () {
  MATCH (f:PriorityGroup)-[:FOCUSES_ON]->(p:Phenomenon)
  WHERE f.period = $from_period AND NOT EXISTS {
    MATCH (p)<-[:FOCUSES_ON]-(t:PriorityGroup)
    WHERE t.period = $to_period
  }
  WITH DISTINCT p.id AS id
  ORDER BY id
  RETURN collect(id) AS left_phenomena
}
CALL () {
  MATCH (f:PriorityGroup)
  WHERE f.period = $from_period
  MATCH (t:PriorityGroup)
  WHERE t.period = $to_period AND t.number = f.number
  WITH f, t
  ORDER BY f.id, t.id
  RETURN collect({
    number: f.number,
    from_group: f.id,
    to_group: t.id,
    entered_phenomena: COLLECT {
      MATCH (t)-[:FOCUSES_ON]->(p:Phenomenon)
      WHERE NOT EXISTS { (f)-[:FOCUSES_ON]->(p) }
      RETURN p.id AS id ORDER BY id
    },
    left_phenomena: COLLECT {
      MATCH (f)-[:FOCUSES_ON]->(p:Phenomenon)
      WHERE NOT EXISTS { (t)-[:FOCUSES_ON]->(p) }
      RETURN p.id AS id ORDER BY id
    },
    joined_members: COLLECT {
      MATCH (t)<-[:MEMBER_OF]-(o:Organisation)
      WHERE NOT EXISTS { (f)<-[:MEMBER_OF]-(o) }
      RETURN o.id AS id ORDER BY id
    },
    left_members: COLLECT {
      MATCH (f)<-[:MEMBER_OF]-(o:Organisation)
      WHERE NOT EXISTS { (t)<-[:MEMBER_OF]-(o) }
      RETURN o.id AS id ORDER BY id
    }
  }) AS matched_groups
}
RETURN added_groups, removed_groups, entered_phenomena, left_phenomena, matched_groups
