"""spaCy pipeline components of the NER stage (registered as versioned factories when ``kg.nlp.ner`` builds a pipeline)."""
