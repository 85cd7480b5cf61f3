"""Any council from public data: the shipped national tables, the places lookup, `cohesion init`
and the comparison of a council with its peers."""
