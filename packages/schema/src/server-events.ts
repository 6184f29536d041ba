// Wire bodies of the server-events API: filled in by the API issue.
export {};
