import { dsl } from '../../helpers/dsl.js';

/** The three-tier example: ingress-nginx -> frontend:8080 -> api:8080 -> postgres:5432 (db), api -> internet:443, DNS. */
export const threeTier = dsl`
  network three-tier {
    namespace "shop"
    workload ingress-controller in namespace "ingress-nginx" with labels "app.kubernetes.io/name" = "ingress-nginx"
    workload frontend in namespace "shop" with labels "app.kubernetes.io/name" = "frontend"
    workload api in namespace "shop" with labels "app.kubernetes.io/name" = "api"
    workload postgres in namespace "db" with labels "app.kubernetes.io/name" = "postgres"
    default deny ingress and egress in namespaces "shop", "db"
    allow dns in namespaces "shop", "db"
    allow from workload ingress-controller to workload frontend on tcp 8080
    allow from workload frontend to workload api on tcp 8080
    allow from workload api to workload postgres on tcp 5432
    allow from workload api to cidr "0.0.0.0/0" except "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" on tcp 443
  }`;
