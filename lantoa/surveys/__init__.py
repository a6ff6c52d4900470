"""Social surveys and opinion polls down the union tree (issue 16): a survey of a unit, its
versioned questionnaire, quotas allocated to units below, single-use codes for paper sheets
and invitees, the public response page per unit, paper entry and the first analysis."""
