"""The one application pipeline: people on an application, rules, agency checks, documents,
live status, a quote, payment, issuing. A renewal is one kind of application
(``core.applications.kinds``); the pipeline does not know which kind it runs."""
