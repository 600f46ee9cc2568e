# SPARQL Update run by KGStore.refresh_summary(): rebuild the materialised tie summary in one transaction.
# Same counting as ties_summary.rq (symmetric ties counted once, subject = the smaller IRI). An update's
# default graph is the store's default graph (not the union), so every pattern names its graph.
DROP SILENT GRAPH <https://w3id.org/kg-innovation/id/graph/summary> ;
INSERT {
  GRAPH <https://w3id.org/kg-innovation/id/graph/summary> {
    ?node a kg:TieSummary ; rdf:subject ?subject ; rdf:predicate ?relation ; rdf:object ?object ;
          kg:status ?status ; kg:articleCount ?articles ; kg:mentionCount ?mentions ;
          kg:confidence ?maxConfidence ; dcterms:date ?firstDate .
    ?subject rdfs:label ?subjectLabel .
    ?object rdfs:label ?objectLabel .
  }
}
WHERE {
  {
    SELECT ?subject (SAMPLE(?sl) AS ?subjectLabel) ?relation ?object (SAMPLE(?ol) AS ?objectLabel) ?status
           (COUNT(DISTINCT ?article) AS ?articles) (COUNT(DISTINCT ?tie) AS ?mentions)
           (MAX(?confidence) AS ?maxConfidence)
           (IF(MIN(?d) = "9999-12-31"^^xsd:date, xsd:date("none"), MIN(?d)) AS ?firstDate)
    WHERE {
      GRAPH ?g {
        ?tie a kg:Tie ; kg:subject ?s ; kg:predicate ?relation ; kg:object ?o ; kg:status ?status ;
             kg:confidence ?confidence ; kg:evidence/prov:wasDerivedFrom ?article .
        OPTIONAL { ?tie dcterms:date ?date }
        OPTIONAL { ?s rdfs:label ?sl0 }
        OPTIONAL { ?o rdfs:label ?ol0 }
      }
      BIND(EXISTS { GRAPH <https://w3id.org/kg-innovation/id/graph/ontology> { ?relation a owl:SymmetricProperty } }
           && STR(?s) > STR(?o) AS ?swap)
      BIND(IF(?swap, ?o, ?s) AS ?subject)
      BIND(IF(?swap, ?s, ?o) AS ?object)
      BIND(IF(?swap, ?ol0, ?sl0) AS ?sl)
      BIND(IF(?swap, ?sl0, ?ol0) AS ?ol)
      BIND(COALESCE(?date, "9999-12-31"^^xsd:date) AS ?d)
    }
    GROUP BY ?subject ?relation ?object ?status
  }
  BIND(IRI(CONCAT("https://w3id.org/kg-innovation/id/summary/",
                  SHA1(CONCAT(STR(?subject), " ", STR(?relation), " ", STR(?object), " ", ?status)))) AS ?node)
}
