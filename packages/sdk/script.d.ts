/** The minified script-tag build (`dist/leadloop.js`) as a string, for a server to send. */
declare const script: string;
/** A strong ETag of that script. */
export declare const etag: string;
export default script;
