// The entry point: defines <flock-app>, which the page already contains.
import './components/flock-app.ts';
