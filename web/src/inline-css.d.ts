// Vite's `?inline` CSS imports: the stylesheet's text, for a shadow root to adopt.
declare module '*.css?inline' {
  const text: string;
  export default text;
}
