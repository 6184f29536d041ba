// Wire bodies of the costs API: filled in by the API issue.
export {};
