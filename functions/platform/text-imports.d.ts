/**
 * Files imported as text (`with { type: 'text' }`, esbuild's text loader), see
 * docs-renderer.ts. Only valid with that import attribute: imported plainly, these
 * would be the modules themselves, not strings.
 */
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}

declare module 'swagger-ui-dist/swagger-ui.css' {
  const text: string;
  export default text;
}
