"""The KazNIC registration forms by e-mail: blank forms, parser, authorization, intake, replies."""
