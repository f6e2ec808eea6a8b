export { freePort } from '../../simulators/free-port.js';
