// Wire bodies of the conversions API: filled in by the API issue.
export {};
