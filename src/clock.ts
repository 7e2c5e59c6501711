/** Where "now" comes from; tests hand in a controllable one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
