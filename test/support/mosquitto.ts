export { startMosquitto, type MosquittoBroker, type MosquittoOptions } from '../../simulators/mosquitto.js';
